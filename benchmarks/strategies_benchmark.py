"""Benchmark every strategy: unseen merchants, hand-written households, speed goals.

Prints figures; asserts nothing.

1. ``txcat bench``'s runner on a merchant-disjoint split of the samples corpus
   (seed 0): accuracy [95% CI], macro-F1, train seconds, predict rows/s, model size.
2. Each strategy trained on the whole corpus, scored on the hand-written
   household sets (``benchmarks/data/households*``, about 300 rows each; never
   used in training).
3. The ``bert`` goals of issue 3: training on 4,000 rows (seconds), and prediction
   rows/s on rows that are all distinct (no deduplication help).

Run: ``python benchmarks/strategies_benchmark.py [--strategies tfidf,bert,zero-shot,lora]``
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from pathlib import Path

import numpy as np

from txcat.bench.runner import parse_specs, run_benchmark
from txcat.bench.split import make_split
from txcat.labels import DEFAULT_LABELS
from txcat.plugins import create_strategy, get_strategies
from txcat.training import read_labeled

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "labeled").glob("*.csv"))
#: Every hand-written household set: a new folder ``households-N`` joins by being there.
HOUSEHOLD_SETS = sorted(p.name for p in (ROOT / "benchmarks" / "data").glob("households*")
                        if p.is_dir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", default="tfidf,tfidf:directory=false,bert,zero-shot,lora")
    args = parser.parse_args()
    specs = parse_specs(args.strategies)
    print(f"txcat strategies benchmark on {platform.node()}: {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    data = read_labeled(SAMPLES)
    split = make_split(data, "merchant", seed=0)
    print(f"\n1. merchant-disjoint split of samples/: {len(split.train)} train, "
          f"{len(split.test)} test rows")
    results = run_benchmark(data, split, specs, labels=DEFAULT_LABELS)
    print(f"{'strategy':26} {'accuracy [95% CI]':>22} {'macro-F1':>9} {'train s':>8} "
          f"{'rows/s':>8} {'size MiB':>9}")
    for r in results["strategies"]:
        if r["status"] != "ok":
            print(f"{r['name']:26} {r['status']}: {r['reason']}")
            continue
        m = r["metrics"]
        low, high = m["accuracy_ci95"]
        size = (r["model_bytes"] or 0) / 2**20
        print(f"{r['name']:26} {m['accuracy']:>6.3f} [{low:.3f}-{high:.3f}] "
              f"{m['macro_f1']:>9.3f} {r['fit_seconds']:>8.1f} "
              f"{r['predict_rows_per_second']:>8,.0f} {size:>9.1f}")

    sets = {name: read_labeled([ROOT / "benchmarks" / "data" / name]) for name in HOUSEHOLD_SETS}
    print(f"\n2. trained on all {len(data.labels)} sample rows, scored on the hand-written "
          f"household sets ({', '.join(f'{n}: {len(d.labels)} rows' for n, d in sets.items())})")
    for spec, r in zip(specs, results["strategies"], strict=True):
        if r["status"] != "ok":
            continue
        model = create_strategy(spec.name, spec.params).fit(data.transactions, data.labels)
        scores = []
        for name, held_out in sets.items():
            right = np.array(model.predict(held_out.transactions)) == np.array(held_out.labels)
            scores.append(f"{name} {right.mean():.3f} ({right.sum()}/{len(right)})")
        print(f"{spec.label:26} {'   '.join(scores)}")

    if "bert" in get_strategies() and any(s.name == "bert" for s in specs):
        rng = random.Random(0)
        rows = rng.sample(range(len(data.labels)), 4000)
        model = create_strategy("bert", {})
        start = time.perf_counter()
        model.fit([data.transactions[i] for i in rows], [data.labels[i] for i in rows])
        seconds = time.perf_counter() - start
        distinct = list({t.description: t for t in data.transactions}.values())
        start = time.perf_counter()
        model.predict(distinct)
        speed = len(distinct) / (time.perf_counter() - start)
        print(f"\n3. bert goals: training on 4,000 rows took {seconds:.0f} s (goal < 180 s, "
              f"{len(model.history_)} epochs run); prediction on {len(distinct):,} distinct "
              f"rows: {speed:,.0f} rows/s (goal >= 500)")


if __name__ == "__main__":
    main()
