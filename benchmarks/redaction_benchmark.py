"""Seconds ``redact`` takes on long descriptions, which must grow linearly with length.

A pattern retried at every position of a long run of word characters once made a
64,000-character description take 14 s (and a 900,000 one, minutes): export and the
LLM strategies redact every row. Run: ``python benchmarks/redaction_benchmark.py``.
"""

from __future__ import annotations

import time

from txcat.export.prompts import redact


def main() -> None:
    print("characters  kind              seconds")
    for length in (16_000, 64_000, 256_000, 1_000_000):
        for kind, text in (("letters", "X" * length), ("digits", "1" * length),
                           ("dotted words", "a." * (length // 2)),
                           ("words", "PADARIA " * (length // 8))):
            start = time.perf_counter()
            redact(text)
            print(f"{length:>10,}  {kind:<16} {time.perf_counter() - start:8.3f}")


if __name__ == "__main__":
    main()
