"""Benchmark the default model and plain ``tfidf``: accuracy on unseen merchants, speed, memory.

Prints figures; asserts nothing (speed goals live here, not in timed tests).

1. Accuracy on merchant-disjoint splits of the bundled samples corpus: rows are
   grouped by counterpart (:func:`txcat.counterpart.counterpart`) and 20% of the
   counterparts are held out, for several seeds; mean, min and max are reported,
   because one held-out merchant more or less moves the figure.
2. Accuracy on the hand-written household sets ``benchmarks/data/households*/``
   (about 300 rows each), each six statements in six layouts written from
   LABELS.md alone by someone who never saw the corpus or the merchant directory;
   models trained on the whole samples corpus.
3. Speed and memory: ``txcat classify`` on a generated 100,000-row Nubank file, in
   a fresh process each time, with the default model (already cached) and with
   a ``tfidf`` model directory; wall time, rows/s and the process's peak RSS.

Run: ``python benchmarks/classify_benchmark.py [--rows 100000] [--seeds 5]``
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from txcat.counterpart import counterpart
from txcat.default_model import bundled_training_data, load_bundled_model
from txcat.merchants import default_matcher
from txcat.strategies.tfidf import TfidfStrategy

#: Every hand-written household set: a new folder ``households-N`` joins by being there.
HOUSEHOLD_SETS = sorted(p for p in (Path(__file__).resolve().parent / "data").glob("households*")
                        if p.is_dir())

CANDIDATES = {
    "default (tfidf + merchant directory)": dict(directory=True),
    "tfidf (text only)": dict(directory=False),
}


def accuracy_on_unseen_merchants(seeds: int) -> None:
    from sklearn.model_selection import GroupShuffleSplit

    data = bundled_training_data()
    txs, labels = data.transactions, np.array(data.labels)
    groups = np.array([counterpart(t.description) for t in txs])
    chain = np.array([any(m.scope == "chain" for m in default_matcher().find(t.description))
                      for t in txs])
    print(f"corpus: {len(txs)} rows, {len(set(groups))} counterparts, "
          f"labels {dict(sorted(Counter(map(str, labels)).items()))}")
    print(f"merchant-disjoint: 20% of counterparts held out, {seeds} seeds\n")
    print(f"{'model':40} {'accuracy mean [min-max]':>26} {'known chains':>13} "
          f"{'local/other':>12} {'fit s':>6}")
    for name, params in CANDIDATES.items():
        scores, chain_scores, local_scores, fit_times = [], [], [], []
        for seed in range(seeds):
            split = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)
            train_idx, test_idx = next(split.split(txs, labels, groups))
            start = time.perf_counter()
            model = TfidfStrategy(**params).fit([txs[i] for i in train_idx],
                                                list(labels[train_idx]))
            fit_times.append(time.perf_counter() - start)
            predicted = np.array(model.predict([txs[i] for i in test_idx]))
            right = predicted == labels[test_idx]
            scores.append(right.mean())
            chain_scores.append(right[chain[test_idx]].mean())
            local_scores.append(right[~chain[test_idx]].mean())
        print(f"{name:40} {np.mean(scores):>9.3f} [{min(scores):.3f}-{max(scores):.3f}] "
              f"{np.mean(chain_scores):>13.3f} {np.mean(local_scores):>12.3f} "
              f"{np.mean(fit_times):>6.2f}")


def accuracy_on_households() -> None:
    corpus = bundled_training_data()
    models = {name: TfidfStrategy(**params).fit(corpus.transactions, corpus.labels)
              for name, params in CANDIDATES.items()}
    for folder in HOUSEHOLD_SETS:
        accuracy_on_household_set(folder, models)


def accuracy_on_household_set(folder: Path, models: dict[str, TfidfStrategy]) -> None:
    from txcat.training import read_labeled

    files = sorted(folder.glob("*.csv"))
    held_out = read_labeled(files)
    print(f"\nhand-written {folder.name}: {len(held_out.labels)} rows in {len(files)} files "
          f"({', '.join(f.stem for f in files)})")
    for name, model in models.items():
        predicted = np.array(model.predict(held_out.transactions))
        truth = np.array(held_out.labels)
        per_file = []
        for source in held_out.sources:
            mask = np.array([t.source == source for t in held_out.transactions])
            bank = Path(source).stem.split("_")[-1]
            per_file.append(f"{bank} {np.mean(predicted[mask] == truth[mask]):.2f}")
        print(f"{name:40} accuracy {np.mean(predicted == truth):.3f}  ({'; '.join(per_file)})")


def write_big_statement(path: Path, rows: int) -> None:
    data = bundled_training_data()
    rng = random.Random(0)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Data,Valor,Identificador,Descrição\n")
        for i in range(rows):
            tx = data.transactions[rng.randrange(len(data.transactions))]
            text = tx.description.replace('"', '""')
            f.write(f'{1 + i % 28:02d}/09/2024,{-rng.uniform(5, 500):.2f},'
                    f'{i:08x}-{rng.getrandbits(32):08x},"{text}"\n')


def timed_run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh ``txcat`` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "txcat", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"txcat {' '.join(args)} failed: {proc.stderr.read().decode()}"
                         if proc.stderr else "failed")
    return seconds, usage.ru_maxrss / 1024


def speed_and_memory(rows: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="txcat-bench-"))
    try:
        big = workdir / "big.csv"
        write_big_statement(big, rows)
        load_bundled_model()  # make sure the default model is cached: measure steady state
        model_dir = workdir / "tfidf-text-only"
        subprocess.run([sys.executable, "-m", "txcat", "-q", "train", "--strategy", "tfidf",
                        "-p", "directory=false", "-o", str(model_dir),
                        *sorted(map(str, _labeled_samples()))], check=True)
        print(f"\nclassify {rows:,} rows ({big.stat().st_size / 2**20:.1f} MiB), "
              f"one fresh process each, output to a file:")
        print(f"{'model':40} {'seconds':>8} {'rows/s':>9} {'peak RSS MiB':>13}")
        for name, extra in (("default (cached)", []),
                            ("tfidf text only (-p directory=false)",
                             ["--model", str(model_dir)])):
            seconds, rss = timed_run(["-q", "classify", str(big), "-o",
                                      str(workdir / "out.csv"), *extra])
            print(f"{name:40} {seconds:>8.2f} {rows / seconds:>9,.0f} {rss:>13.0f}")
        seconds, rss = timed_run(["-q", "classify", str(_samples() / "extrato.csv")])
        print(f"{'10-row samples/extrato.csv (default)':40} {seconds:>8.2f} {'':>9} {rss:>13.0f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _samples() -> Path:
    return Path(__file__).resolve().parent.parent / "samples"


def _labeled_samples() -> list[Path]:
    return sorted((_samples() / "labeled").glob("*.csv"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print(f"txcat benchmark on {platform.node()}: {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    accuracy_on_unseen_merchants(args.seeds)
    accuracy_on_households()
    speed_and_memory(args.rows)


if __name__ == "__main__":
    main()
