"""One run of the generator: directory in, labeled files and the training file out.

Ties the other modules together in the order that keeps the output byte-identical:
one random stream builds every counterpart, then each file gets its own stream
(seeded from the run's seed and the file's position) for its household and wording.
"""

from __future__ import annotations

import random
from pathlib import Path

from txcat.layouts import BUILTIN_LAYOUTS

from .directory import read_directory
from .households import simulate
from .origin import origin_head_rows
from .plans import LABELED_DIR, PLANS, TRAINING_PATH
from .summary import summarise
from .training import check_read_back, read_back, write_training
from .universe import build_universe
from .writers import Written, render, write_csv


def generate(out_dir: Path, merchants: Path, seed: int, quiet: bool = False) -> dict[str, object]:
    entries = read_directory(merchants)
    rng = random.Random(seed)
    u = build_universe(entries, rng)
    layouts = {layout.name: layout for layout in BUILTIN_LAYOUTS}
    # Neighbourhood businesses are split between households; the origin example's
    # counterparts live near the origin files' and a few other households.
    offsets, start = {}, 0
    for plan in PLANS:
        offsets[plan.layout] = (start, start + plan.locals)
        start += plan.locals
    example_homes = {"origin-codigo": u.examples, "origin-descricao": u.examples,
                     "nubank-conta": u.examples[:3] + u.examples[6:8],
                     "inter": u.examples[3:6], "c6": u.examples[8:]}
    written_all: list[Written] = []
    paths = []
    for n, plan in enumerate(PLANS):
        layout = layouts[plan.layout]
        file_rng = random.Random(seed * 100 + n)
        a, b = offsets[plan.layout]
        txs = simulate(plan, u, file_rng, u.locals_[a:b], example_homes.get(plan.layout, []))
        head = origin_head_rows() if plan.layout == "origin-descricao" else []
        preamble, rows, written = render(plan, layout, txs, file_rng, head)
        path = out_dir / LABELED_DIR / f"{plan.layout}.csv"
        write_csv(path, layout, plan.label_column, preamble, rows, plan.newline)
        written_all.append(written)
        paths.append(path)
    seen = read_back(paths)
    check_read_back(seen, written_all)
    write_training(out_dir / TRAINING_PATH, seen)
    return summarise(written_all, quiet)
