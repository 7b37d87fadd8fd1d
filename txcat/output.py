"""Writing predictions: ``código,informação`` CSV, the full table, or JSON lines.

Files are written to a temporary sibling and renamed into place when complete,
so an error half-way (a bad row, Ctrl-C) leaves no half-written output.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from txcat.classify import Prediction
from txcat.errors import OutputError
from txcat.text import FORMULA_START

FORMATS = ("csv", "full", "jsonl")


def file_in_the_way(path: str | Path) -> Path | None:
    """The nearest existing folder above ``path`` when it is in fact a file ('keep.csv' in
    'keep.csv/out.csv'): nothing can be written there, and the OS would only say
    'File exists' or 'Not a directory'. None when the way is clear."""
    for parent in Path(path).parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def is_one_of(path: str | Path, paths: Sequence[str | Path]) -> bool:
    """Whether ``path`` is the same file as one of ``paths`` ('-', standard input, and
    paths that do not exist are none)."""
    if str(path) == "-" or not Path(path).exists():
        return False
    return any(str(other) != "-" and Path(other).exists() and os.path.samefile(path, other)
               for other in paths)


def prepare_output(path: str | Path) -> Path:
    """Check an output path can be written (and make its folder) before any work starts.

    Returns the path to write: a symbolic link is followed, so the link stays and
    its target gets the output.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    if target.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name")
    in_the_way = file_in_the_way(target)
    if in_the_way is not None:
        raise OutputError(f"cannot write {path}: {in_the_way} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    if not os.access(target.parent, os.W_OK):
        raise OutputError(f"cannot write {path}: its folder is not writable")
    return target


def refuse_overwriting_inputs(output: str | Path | None,
                              inputs: Sequence[str | Path]) -> None:
    """An output that is one of the inputs would replace it (atomically, and for good)
    with the answers: refuse it before any work."""
    if output is not None and is_one_of(output, inputs):
        raise OutputError(f"{output} is also an input; write the output elsewhere")


@contextlib.contextmanager
def open_output(path: str | Path | None) -> Iterator[IO[str]]:
    """Standard output for ``None`` or '-', else the file, replaced atomically.

    A FIFO or device (``/dev/stdout``) is written in place: replacing it would
    destroy it. A new file gets the permissions the umask gives; a replaced file
    keeps its own.
    """
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = prepare_output(path)
    if target.exists() and not target.is_file():
        try:
            with target.open("w", encoding="utf-8", errors="backslashreplace",
                             newline="") as handle:
                yield handle
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror}") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else default_mode())
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace",
                       newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_can_create(target: Path, shown: str | Path) -> None:
    """Make sure a directory can be created beside ``target`` (as :func:`replaced_directory`
    will), by making and removing one in the nearest folder that exists: permission
    bits do not tell (root, read-only or special file systems). For checks before
    long work, not after it; no folder is left behind."""
    nearest = target.resolve().parent
    while not nearest.exists() and nearest != nearest.parent:  # made only when saving
        nearest = nearest.parent
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{target.name}.", dir=nearest))
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}") from None


def default_mode(directory: bool = False) -> int:
    """The permissions a new file (or directory) gets under the current umask.

    Temporary files and folders are created private (0600/0700); what is renamed
    into place for the user must look like anything else they create.
    """
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def _usual_modes(tree: Path) -> None:
    """Give ``tree`` and all in it the permissions the umask gives new files.

    Libraries write some files private through temporary files (safetensors'
    weights are 0600): a model folder shared with another account or a service
    could not then be loaded.
    """
    file_mode, folder_mode = default_mode(), default_mode(directory=True)  # one umask read
    tree.chmod(folder_mode)
    for path in tree.rglob("*"):
        if not path.is_symlink():
            path.chmod(folder_mode if path.is_dir() else file_mode)


@contextlib.contextmanager
def replaced_directory(directory: str | Path) -> Iterator[Path]:
    """Build a directory in a private staging sibling (yielded); on success swap it in.

    The old directory, if any, is first moved aside under a fresh temporary name
    (never one a user may own) and removed only after the swap, so a failure at
    any point leaves either the old directory or the new one, never half of one.
    Model directories and benchmark reports are both written this way.
    """
    target = Path(directory).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write {directory}: {exc.strerror}") from None
    try:
        yield staging
        _usual_modes(staging)
        if target.is_dir() and any(target.iterdir()):
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            target.rename(old / "previous")
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if target.is_dir():
                target.rmdir()
            staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {directory}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def as_sheet_text(value: str) -> str:
    """``value`` as a spreadsheet will show it as text, never run it: a description can
    be written by anyone who sends a Pix (a payer named '=HYPERLINK(...)'). Such a cell
    gets a leading apostrophe, as OWASP advises for CSV files; numbers ('-30,50') are
    left as they are."""
    from txcat.reading.values import parse_amount, parses

    if value.startswith(FORMULA_START) and not parses(parse_amount, value):
        return "'" + value
    return value


def _unused(name: str, taken: set[str]) -> str:
    """``name``, or ``txcat_name`` where an input column has it; a file classified before
    can hold both (``txcat_label`` twice, and pandas would find the old answers under it):
    then ``txcat_name_2``, ``_3``..."""
    if name not in taken:
        return name
    column, n = f"txcat_{name}", 2
    while column in taken:
        column, n = f"txcat_{name}_{n}", n + 1
    return column


class PredictionWriter:
    """Writes predictions in one of :data:`FORMATS`."""

    def __init__(self, handle: IO[str], fmt: str, input_columns: Sequence[str] = (),
                 *, with_file: bool = False) -> None:
        """``with_file``: the ``full`` table starts with each row's file (for several
        input files, whose rows could not be told apart otherwise)."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        self.fmt = fmt
        self._handle = handle
        self._csv = csv.writer(handle, lineterminator="\n")
        self._columns = list(input_columns)
        self._with_file = with_file
        taken = set(self._columns)
        self._label_col = _unused("label", taken)
        self._confidence_col = _unused("confidence", taken)
        file_col = [_unused("file", taken)] if with_file else []
        self._header: list[str] | None = None
        if fmt == "csv":
            self._header = ["código", "informação"]
        elif fmt == "full":
            self._header = [*file_col, *self._columns, self._label_col, self._confidence_col]

    def _write_header(self) -> None:
        """Written with the first row, not before: a run that fails on its first batch
        (an LLM server down) must not leave a header-only file that looks like an answer."""
        if self._header is not None:
            self._csv.writerow(self._header)
            self._header = None

    def finish(self) -> None:
        """After the last row: the header, if no row brought it."""
        self._write_header()

    def write(self, prediction: Prediction) -> None:
        self._write_header()
        tx = prediction.transaction
        if self.fmt == "csv":
            self._csv.writerow([as_sheet_text(tx.id), prediction.label])
        elif self.fmt == "full":
            values = [as_sheet_text(tx.raw.get(c, "")) for c in self._columns]
            if self._with_file:
                values.insert(0, as_sheet_text(tx.source))
            self._csv.writerow([*values, prediction.label, f"{prediction.confidence:.4f}"])
        else:
            record = {
                "file": tx.source,
                "row": tx.row,
                "id": tx.id,
                "date": tx.date.isoformat() if tx.date else None,
                "amount": tx.amount,
                "description": tx.description,
                "label": prediction.label,
                "confidence": round(prediction.confidence, 4),
                "raw": dict(tx.raw),
            }
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def files_in(directory: Path) -> list[str]:
    """Every file under ``directory``, as sorted paths relative to it ('sub/x.png')."""
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*")
                  if p.is_file())


def os_litter(path: str) -> bool:
    """What a file browser leaves in a folder it showed: nobody's data."""
    name = path.rsplit("/", 1)[-1]
    return name in (".DS_Store", "Thumbs.db", "desktop.ini") or name.startswith("._")
