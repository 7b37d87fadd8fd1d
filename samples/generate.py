#!/usr/bin/env python3
"""Generate txcat's labeled sample corpus: synthetic bank statements, one per layout.

Writes ``samples/labeled/<layout>.csv`` for each built-in layout (written the way
that bank writes its export: header, delimiter, encoding, decimal comma, BOM,
preamble, balance rows) plus one label column, and ``txcat/data/training.csv.gz``:
the same rows read back with txcat's own reader (``description,amount,label``).

Counterparts come from the merchant directory (``txcat/data/merchants.csv``):
chains under their statement aliases, and local small businesses built from the
directory's kind-words and Brazilian names. Labels follow ``LABELS.md``: the
counterpart's kind decides, whatever the sign of the amount.

Deterministic: a fixed seed, no dependence on hash order or the clock, so running
it twice writes byte-identical files.

    python samples/generate.py                 # write into this repository
    python samples/generate.py --out-dir DIR   # write DIR/samples/labeled/*.csv and
                                               # DIR/txcat/data/training.csv.gz
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import txcat  # noqa: F401
except ImportError:  # run from a checkout without installing txcat
    sys.path.insert(0, str(ROOT))

from corpus.pipeline import generate  # noqa: E402  (the work itself: samples/corpus/)

SEED = 20240903  # the date of the first row of the origin example
MERCHANTS_PATH = ROOT / "txcat" / "data" / "merchants.csv"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT,
                        help="root to write samples/labeled/ and txcat/data/training.csv.gz "
                             "under (default: this repository)")
    parser.add_argument("--merchants", type=Path, default=MERCHANTS_PATH,
                        help="the merchant directory to draw counterparts from")
    parser.add_argument("-q", "--quiet", action="store_true", help="print no summary")
    args = parser.parse_args(argv)
    generate(args.out_dir, args.merchants, SEED, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
