"""Rows/s of txcat on Ray with 1, 2 and all local cores, for tfidf and the default model.

Prints figures (the basis of docs/scale.md); asserts nothing. Each run starts a
fresh local Ray cluster limited to N CPUs and classifies a generated Parquet
file of statement rows drawn from the samples corpus; a single-process run of
the same rows is the baseline.

Run: ``python benchmarks/scale_benchmark.py [--rows 400000]``
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

from txcat.default_model import bundled_training_data, load_bundled_model
from txcat.integrations.batches import BatchClassifier
from txcat.modeldir import save_model
from txcat.strategies.tfidf import TfidfStrategy


def make_parquet(path: Path, rows: int) -> None:
    import pandas as pd

    data = bundled_training_data()
    rng = random.Random(0)
    picks = [data.transactions[rng.randrange(len(data.transactions))] for _ in range(rows)]
    pd.DataFrame({"file": "big.parquet", "row": range(1, rows + 1),
                  "description": [t.description for t in picks],
                  "amount": [t.amount for t in picks]}).to_parquet(path)


def main() -> None:
    import pandas as pd
    import ray

    from txcat.integrations.ray_engine import classify_with_ray

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"txcat scale benchmark on {platform.node()}: {cores} cores, Python "
          f"{platform.python_version()}, Ray {ray.__version__}, {time.strftime('%Y-%m-%d')}")
    work = Path(tempfile.mkdtemp(prefix="txcat-scale-"))
    try:
        source = work / "big.parquet"
        make_parquet(source, args.rows)
        load_bundled_model()  # cached before timing
        data = bundled_training_data()
        text_only = work / "tfidf-text-only"
        save_model(TfidfStrategy(directory=False).fit(data.transactions, data.labels),
                   text_only)
        frame = pd.read_parquet(source)
        print(f"\n{args.rows:,} rows; single process, no Ray (pandas batch of all rows):")
        for name, model_dir in (("default", None), ("tfidf text-only", str(text_only))):
            classifier = BatchClassifier(model_dir)
            classifier.model  # noqa: B018 - load outside the timing
            start = time.perf_counter()
            classifier(frame)
            seconds = time.perf_counter() - start
            print(f"  {name:16} {args.rows / seconds:>10,.0f} rows/s")
        print("\nRay Data, local cluster of N CPUs (reading Parquet, writing Parquet):")
        print(f"  {'model':16} {'CPUs':>4} {'seconds':>8} {'rows/s':>10} {'per worker':>11}")
        for name, model_dir in (("default", None), ("tfidf text-only", str(text_only))):
            for cpus in sorted({1, 2, cores}):
                out = work / f"out-{cpus}"
                stats = classify_with_ray([str(source)], out, model_dir=model_dir,
                                          num_cpus=cpus)
                ray.shutdown()
                shutil.rmtree(out, ignore_errors=True)
                print(f"  {name:16} {cpus:>4} {stats['seconds']:>8.1f} "
                      f"{stats['rows_per_second']:>10,.0f} "
                      f"{stats['rows_per_second_per_worker']:>11,.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
