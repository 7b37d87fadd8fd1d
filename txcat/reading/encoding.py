"""Decide how a statement's bytes are text, or say clearly that they are not.

Brazilian banks export UTF-8 (with or without BOM), cp1252 (Itaú, BB) and
sometimes UTF-16. A file that is mostly valid UTF-8 with a few cp1252 bytes
(hand-edited exports) is decoded without losing a row: the stray bytes are read
as cp1252.
"""

from __future__ import annotations

import codecs

from txcat.errors import StatementError

_FALLBACK_HANDLER = "txcat-cp1252"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    text = "".join(_decode_byte_cp1252(b) for b in bad)
    return text, exc.end


def _decode_byte_cp1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return bytes([byte]).decode("latin-1")


codecs.register_error(_FALLBACK_HANDLER, _cp1252_fallback)

_SIGNATURES = [
    (b"PK\x03\x04", "a ZIP/Excel workbook (xlsx), not a CSV; export the statement as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (xls), not a CSV; export the statement as CSV"),
    (b"%PDF", "a PDF, not a CSV; export the statement as CSV"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
]


def _other_text_format(head: bytes) -> str | None:
    """Statement formats that are text but not CSV, which banks also offer: read as a
    CSV they would fail with 'no description column', which does not say what to do."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"ofxheader") or start.startswith(b"<ofx") or (
            start.startswith(b"<?xml") and b"<?ofx" in start[:500]):
        return "an OFX file (for money-management software)"
    if start.startswith((b"!type:", b"!account", b"!option:")):
        return "a QIF file (for money-management software)"
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "a web page (HTML), as some banks' .xls downloads are"
    return None


def detect_encoding(head: bytes, source: str) -> tuple[str, str]:
    """Return ``(encoding, errors)`` for :class:`io.TextIOWrapper`, from the first bytes.

    Raises :class:`StatementError` for empty or binary content.
    """
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise StatementError(source, "the file is empty")
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise StatementError(source, f"this is {what}")
    other = _other_text_format(head)
    if other:
        raise StatementError(source, f"this is {other}, not a CSV; export the statement as CSV")
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        check_text(head.decode("utf-16", errors="replace"), source)
        return "utf-16", "strict"
    elif b"\x00" in head:
        encoding = _utf16_without_bom(head, source)
        check_text(head.decode(encoding, errors="replace"), source)
        return encoding, "strict"
    else:
        encoding = _utf8_or_cp1252(head)
    check_text(head.decode(encoding, errors=_FALLBACK_HANDLER), source)
    return encoding, _FALLBACK_HANDLER


def _utf8_or_cp1252(head: bytes) -> str:
    """UTF-8 unless bytes that are not UTF-8 outnumber its multi-byte sequences.

    A UTF-8 export with a few hand-typed cp1252 bytes stays UTF-8 (the stray
    bytes are read as cp1252 by the error handler); a cp1252 file, whose accents
    are single high bytes, is read as cp1252. A tie goes to UTF-8: cp1252 text
    almost never forms a valid multi-byte sequence (an accented capital followed
    by a symbol such as '°' or '£'), so one valid sequence is strong evidence,
    while one stray byte is what a hand edit leaves. Reading that tie as cp1252
    garbled every UTF-8 accent ('João' as 'JoÃ£o'); reading it as UTF-8 loses
    nothing, since the stray byte is still read as cp1252.
    """
    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if cut > 0 else head  # no sequence cut in half at the end
    text = sample.decode("utf-8", errors="surrogateescape")
    invalid = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid = sum(1 for ch in text if ord(ch) > 127) - invalid
    return "utf-8" if valid >= invalid else "cp1252"


def _utf16_without_bom(head: bytes, source: str) -> str:
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    raise StatementError(source, "binary content, not a text statement (NUL bytes found)")


def check_text(text: str, source: str) -> None:
    """Reject decoded text that is mostly control characters (binary junk)."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if controls > max(2, len(sample) // 100):
        raise StatementError(source, "binary content, not a text statement")
