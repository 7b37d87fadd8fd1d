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


def detect_encoding(head: bytes, source: str) -> tuple[str, str]:
    """Return ``(encoding, errors)`` for :class:`io.TextIOWrapper`, from the first bytes.

    Raises :class:`StatementError` for empty or binary content.
    """
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise StatementError(source, "the file is empty")
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise StatementError(source, f"this is {what}")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", _FALLBACK_HANDLER
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "strict"
    if b"\x00" in head:
        return _utf16_without_bom(head, source), "strict"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "cp1252"
    text = head.decode(encoding, errors=_FALLBACK_HANDLER)
    check_text(text, source)
    return encoding, _FALLBACK_HANDLER


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
