"""The run's report: rows per file, labels, distinct counterparts by group.

Printed unless ``--quiet``, and returned as a dict either way.
"""

from __future__ import annotations

from collections import Counter

from .writers import Written


def summarise(written: list[Written], quiet: bool) -> dict[str, object]:
    rows = {w.layout: len(w.expected) for w in written}
    counterparts: Counter = Counter()
    groups: dict[str, str] = {}
    labels: Counter = Counter()
    for w in written:
        counterparts.update(w.counterparts)
        groups.update(w.groups)
        labels.update(e[2] for e in w.expected)
    by_group = Counter(groups[k] for k in counterparts)
    person_rows = sum(n for k, n in counterparts.items() if groups[k] == "person")
    total = sum(rows.values())
    summary = {
        "rows": rows, "total_rows": total, "counterparts": len(counterparts),
        "counterparts_by_group": dict(sorted(by_group.items())),
        "labels": dict(sorted(labels.items())),
        "person_rows": person_rows,
    }
    if not quiet:
        for layout, n in rows.items():
            print(f"{layout:18} {n:5d} rows")
        print(f"{'total':18} {total:5d} rows, {len(counterparts)} distinct counterparts "
              f"{dict(sorted(by_group.items()))}")
        print("labels: " + ", ".join(f"{k} {v} ({v / total:.1%})"
                                     for k, v in sorted(labels.items())))
        print(f"local (generic-kind) counterparts: "
              f"{(by_group['local'] + by_group['example']) / len(counterparts):.1%}; "
              f"rows with a bare person's name: {person_rows} ({person_rows / total:.1%})")
    return summary
