"""Write a benchmark: ``results.json``, ``split.json``, ``report.md`` and PNG charts.

The report directory is written into a temporary sibling and renamed into place,
so a failed run never leaves half a report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from txcat.bench.metrics import matrix_with_unanswered
from txcat.bench.split import Split
from txcat.errors import OutputError
from txcat.output import (
    check_can_create,
    file_in_the_way,
    files_in,
    os_litter,
    replaced_directory,
)
from txcat.training import LabeledData
from txcat.wording import counted, listed

RESULTS = "results.json"
SPLIT = "split.json"
MARKDOWN = "report.md"


def check_report_target(directory: str | Path) -> Path:
    """Refuse a report location that cannot be written before any strategy is fitted,
    rather than after all of them: a file in the way, a folder of other files (it
    would be replaced), or a folder that cannot be created or written to. The check
    makes (and removes) a staging directory where :func:`write_report` will, since
    permission bits do not tell (root, read-only or special file systems)."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: is a file; a report is written as a directory")
    # The report replaces the whole folder: only an earlier report may be replaced.
    if target.is_dir() and any(target.iterdir()) and not (
            (target / RESULTS).is_file() and (target / SPLIT).is_file()):
        raise OutputError(f"{directory}: exists and is not a txcat bench report; choose a new "
                          "or empty folder")
    others = _files_not_the_reports(target) if target.is_dir() else []
    if others:
        raise OutputError(f"{directory}: holds files that are not the report's "
                          f"({listed(others)}); "
                          "writing a report replaces the folder: move them, or choose "
                          "another folder")
    in_the_way = file_in_the_way(target.resolve())
    if in_the_way is not None:
        raise OutputError(f"cannot write {directory}: {in_the_way} is a file")
    check_can_create(target, directory)
    return target


#: The files a report writes, besides one ``confusion_<strategy>.png`` per strategy.
REPORT_FILES = frozenset({RESULTS, SPLIT, MARKDOWN, "accuracy.png", "accuracy_vs_speed.png",
                          "learning_curve.png"})


def _files_not_the_reports(directory: Path) -> list[str]:
    """Files in an earlier report's folder that no report writes: the user's own, which
    replacing the folder would delete. Any confusion chart is the report's, since the
    strategies (and so those charts) differ from run to run."""
    return [rel for rel in files_in(directory) if rel not in REPORT_FILES
            and not re.fullmatch(r"confusion_[^/]*\.png", rel) and not os_litter(rel)]


def write_report(results: dict[str, Any], split: Split, data: LabeledData,
                 directory: str | Path, *, charts: bool = True) -> list[Path]:
    """Write every report file; return their paths (in the final directory)."""
    target = check_report_target(directory)
    with replaced_directory(target) as staging:
        (staging / RESULTS).write_text(json.dumps(results, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
        (staging / SPLIT).write_text(json.dumps(split.describe(data), indent=1),
                                     encoding="utf-8")
        chart_names: list[str] = []
        if charts:
            from txcat.bench.charts import write_charts

            chart_names = [p.name for p in write_charts(results, staging)]
        (staging / MARKDOWN).write_text(markdown(results, chart_names), encoding="utf-8")
    return sorted(target.iterdir())


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "–" if value is None else pattern.format(value)


def table_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per strategy, the same in the terminal and in Markdown."""
    rows = []
    for r in results["strategies"]:
        m = r["metrics"]
        if r["status"] != "ok" or m is None:
            rows.append([r["name"], r["status"], "–", "–", "–", "–", "–", r["reason"] or ""])
            continue
        low, high = m["accuracy_ci95"]
        size = r["model_bytes"]
        unanswered = m.get("unanswered") or 0
        rows.append([
            r["name"], "ok", f"{m['accuracy']:.3f} [{low:.3f}–{high:.3f}]",
            f"{m['macro_f1']:.3f}", _fmt(r["fit_seconds"], "{:.2f}"),
            _fmt(r["predict_rows_per_second"], "{:,.0f}"),
            "–" if size is None else f"{size / 2**20:.1f} MiB",
            f"{unanswered} unanswered (REVISAR)" if unanswered else "",
        ])
    return rows


HEADERS = ["strategy", "status", "accuracy [95% CI]", "macro-F1", "fit s", "rows/s",
           "model size", "note"]


def _cell(text: str) -> str:
    """``text`` as one Markdown table cell: an error message's own lines and '|' (as
    scikit-learn and torch write them) would end the row or split it."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown(results: dict[str, Any], charts: list[str]) -> str:
    split, data, machine = results["split"], results["data"], results["machine"]
    # With --test the test rows are another file's (older reports do not name it).
    tested = (f"; the {counted(split['test_rows'], 'test row')} are from "
              f"{', '.join(data['test_files'])} (--test)"
              if split["method"] == "file" and data.get("test_files") else "")
    lines = [
        "# txcat benchmark",
        "",
        f"{results['created']} · txcat {results['txcat_version']} · {machine['hostname']} "
        f"({machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']})",
        "",
        f"Data: {data['rows']} labeled rows from {', '.join(data['files'])}{tested}. "
        f"Split: **{split['method']}** (seed {split['seed']}), {split['train_rows']} train / "
        f"{counted(split['test_rows'], 'test row')}; the row ids are in `split.json`.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in table_rows(results)]
    for r in results["strategies"]:
        if r["status"] != "ok":
            continue
        lines += ["", f"## {r['name']}", "", "| label | precision | recall | F1 | support |",
                  "|---|---|---|---|---|"]
        for label, s in r["metrics"]["per_label"].items():
            lines.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | "
                         f"{s['f1']:.3f} | {s['support']} |")
        cm = r["metrics"]["confusion_matrix"]
        columns, matrix = matrix_with_unanswered(cm)
        lines += ["", "Confusion matrix (rows: truth, columns: predicted):", "",
                  "| | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
        lines += [f"| {label} | " + " | ".join(str(v) for v in row) + " |"
                  for label, row in zip(cm["labels"], matrix, strict=True)]
        if r["learning_curve"]:
            curve = ", ".join(f"{counted(p['train_rows'], 'row')}: {p['accuracy']:.3f}"
                              for p in r["learning_curve"])
            lines += ["", f"Learning curve: {curve}"]
    if charts:
        lines += ["", "## Charts", ""] + [f"![{c}]({c})" for c in charts]
    return "\n".join(lines) + "\n"
