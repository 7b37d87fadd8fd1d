"""PNG charts of a benchmark (matplotlib, no display needed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from txcat.bench.metrics import matrix_with_unanswered


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "strategy"


def write_charts(results: dict[str, Any], directory: Path) -> list[Path]:
    """Accuracy with intervals, accuracy vs speed, one confusion matrix per strategy,
    and the learning curve when one was asked for.

    Text is drawn as written: matplotlib reads what stands between two '$' as a
    formula, and a strategy's parameters may hold amounts ('R$ 5 a R$ 7')."""
    plt = _pyplot()
    with plt.rc_context({"text.parse_math": False}):
        return _write_charts(results, directory, plt)


def _write_charts(results: dict[str, Any], directory: Path, plt: Any) -> list[Path]:
    ok = [r for r in results["strategies"] if r["status"] == "ok" and r["metrics"]]
    written: list[Path] = []
    if not ok:
        return written

    names = [r["name"] for r in ok]
    acc = [r["metrics"]["accuracy"] for r in ok]
    low = [a - r["metrics"]["accuracy_ci95"][0] for a, r in zip(acc, ok, strict=True)]
    high = [r["metrics"]["accuracy_ci95"][1] - a for a, r in zip(acc, ok, strict=True)]
    fig, ax = plt.subplots(figsize=(max(4, 1.3 * len(ok) + 2), 3.5))
    ax.bar(names, acc, yerr=[low, high], capsize=6, color="#4c72b0")
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy (95% CI)")
    ax.set_title(f"Accuracy on the {results['split']['method']} split")
    for i, a in enumerate(acc):
        ax.text(i, a / 2, f"{a:.3f}", ha="center", color="white")
    written.append(_save(fig, directory / "accuracy.png", plt))

    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

    fig, ax = plt.subplots(figsize=(6, 4))
    speeds = [r["predict_rows_per_second"] or 0 for r in ok]
    for r, speed in zip(ok, speeds, strict=True):
        ax.scatter(speed, r["metrics"]["accuracy"], s=40)
        ax.annotate(r["name"], (speed, r["metrics"]["accuracy"]), textcoords="offset points",
                    xytext=(6, 6), fontsize=8)
    if min(speeds) > 0 and max(speeds) / min(speeds) > 10:  # LLMs next to TF-IDF
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.margins(x=0.3, y=0.15)
    ax.set_xlabel("prediction rows/s")
    ax.set_ylabel("accuracy")
    ax.set_title("Accuracy vs speed")
    written.append(_save(fig, directory / "accuracy_vs_speed.png", plt))

    taken: set[str] = set()
    for r in ok:
        cm = r["metrics"]["confusion_matrix"]
        columns, matrix = matrix_with_unanswered(cm)
        fig, ax = plt.subplots(figsize=(4.2 + 0.8 * (len(columns) - len(cm["labels"])), 3.6))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right")
        ax.set_yticks(range(len(cm["labels"])), cm["labels"])
        ax.set_xlabel("predicted")
        ax.set_ylabel("truth")
        peak = max(max(row) for row in matrix) or 1
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                ax.text(j, i, str(value), ha="center", va="center",
                        color="white" if value > peak / 2 else "black")
        ax.set_title(r["name"])
        name, n = _slug(r["name"]), 2
        while name in taken:  # 'dd/desc.json' and 'dd-desc.json' read alike
            name, n = f"{_slug(r['name'])}-{n}", n + 1
        taken.add(name)
        written.append(_save(fig, directory / f"confusion_{name}.png", plt))

    curves = [r for r in ok if r["learning_curve"]]
    if curves:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        for r in curves:
            xs = [p["train_rows"] for p in r["learning_curve"]]
            ax.plot(xs, [p["accuracy"] for p in r["learning_curve"]], marker="o",
                    label=r["name"])
        ax.set_xscale("log")
        # The sizes fitted, as numbers: log-scale minor labels ('3×10²', '4×10²') were
        # printed over each other.
        sizes = sorted({p["train_rows"] for r in curves for p in r["learning_curve"]})
        ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("labeled training rows")
        ax.set_ylabel("accuracy")
        ax.set_title("Learning curve")
        ax.legend()
        written.append(_save(fig, directory / "learning_curve.png", plt))
    return written


def _save(fig: Any, path: Path, plt: Any) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
