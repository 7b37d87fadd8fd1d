"""``txcat classify --engine ray``: the same model directory on Ray Data.

Statement files are read by txcat's own reader (every bank layout, encoding and
preamble the CLI understands) inside Ray tasks; Parquet files with
``description``/``amount`` columns are read by Ray Data directly. The model is
applied with ``map_batches`` and a class-based callable, so each actor loads it
once; the actor pool is sized to the cluster's CPUs (GPU actors for ``bert``
and ``lora`` where GPUs exist). Output shards keep the input columns plus
``label`` and ``confidence``, keyed by ``file`` and ``row``.

A worker that dies mid-run is restarted and its batch retried by Ray
(``max_restarts``/``max_task_retries``), so nothing is lost or duplicated.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from txcat.errors import TxcatError
from txcat.integrations.batches import BatchClassifier, statement_rows

logger = logging.getLogger(__name__)

RETRIES = 3
#: CPUs each read task and each model actor asks the scheduler for. Fractions keep a
#: read schedulable beside the actors on any cluster size: with whole CPUs, the actors
#: of a 1- or 2-CPU cluster hold every CPU and the reads they wait for never start.
READ_CPUS = 0.5
ACTOR_CPUS = 0.5


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise TxcatError("the Ray engine needs Ray: pip install 'txcat[ray]'") from None
    return ray


def start(address: str | None = None, num_cpus: int | None = None) -> Any:
    """Join ``address``, or start a local cluster (all cores, or ``num_cpus``)."""
    ray = _ray()
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "logging_level": logging.ERROR}
        if address:
            kwargs["address"] = address
        elif num_cpus:
            kwargs["num_cpus"] = num_cpus
        ray.init(**kwargs)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    # Ray's own notices (progress bars are off, a task's traceback before the run
    # fails) are not the user's business: txcat reports what went wrong itself, in one
    # line. Set after ray.data is imported: importing it configures its loggers.
    logging.getLogger("ray").setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.CRITICAL)
    return ray


@contextmanager
def _without_deprecation_notices() -> Iterator[None]:
    """Ray deprecates passing retry settings as remote arguments, and names no
    replacement for them yet: the notice is for Ray's users, not txcat's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
        yield


class _Collected(logging.Handler):
    """The reader's warnings in a Ray task, which would otherwise go to the worker's log
    and never reach the user."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class ReadNotes:
    """A Ray actor (see :func:`_read_notes`) keeping each file's reader warnings and
    error for the driver: Ray hands a task's exception back only as text inside its own
    traceback, and a worker's log never reaches the user."""

    def __init__(self) -> None:
        self.notes: dict[str, tuple[list[str], str | None]] = {}

    def add(self, path: str, lines: list[str], error: str | None) -> None:
        self.notes[path] = (lines, error)  # a retried task's notes replace its own

    def all(self) -> dict[str, tuple[list[str], str | None]]:
        return self.notes


def _read_notes(ray: Any) -> Any:
    """A :class:`ReadNotes` actor, holding no CPU."""
    return ray.remote(num_cpus=0)(ReadNotes).remote()


def _statement_rows(record: dict[str, Any], notes: Any) -> list[dict[str, Any]]:
    """:func:`statement_rows` in a Ray task, its warnings and error kept in ``notes``."""
    import ray

    collected = _Collected()
    reader_log = logging.getLogger("txcat")
    reader_log.addHandler(collected)
    try:
        rows = statement_rows(Path(record["path"]).name, record["bytes"])
    except TxcatError as exc:
        ray.get(notes.add.remote(record["path"], collected.lines, str(exc)))
        raise
    finally:
        reader_log.removeHandler(collected)
    if collected.lines:
        ray.get(notes.add.remote(record["path"], collected.lines, None))
    return rows


def read(inputs: Sequence[str], notes: Any = None) -> Any:
    """One Ray Dataset of canonical rows from statement files and Parquet files; the
    reader's warnings and errors go to ``notes`` (see :func:`_read_notes`) when given."""
    ray = _ray()
    statements = [str(Path(p).resolve()) for p in inputs if not p.endswith(".parquet")]
    parquet = [str(Path(p).resolve()) for p in inputs if p.endswith(".parquet")]
    missing = [p for p in (*statements, *parquet) if not Path(p).exists()]
    if missing:
        raise TxcatError(f"{missing[0]}: no such file")
    datasets = []
    if statements:
        files = ray.data.read_binary_files(statements, include_paths=True,
                                           num_cpus=READ_CPUS)
        notes = notes if notes is not None else _read_notes(ray)
        datasets.append(files.flat_map(lambda record: _statement_rows(record, notes),
                                       num_cpus=READ_CPUS, max_retries=RETRIES))
    if parquet:
        # Through read_binary_files like statements: Ray's own Parquet reader asks for a
        # whole CPU whatever it is told, which deadlocks a 1-CPU cluster.
        files = ray.data.read_binary_files(parquet, include_paths=True, num_cpus=READ_CPUS)
        datasets.append(files.map_batches(_parquet_rows, batch_size=1, batch_format="pandas",
                                          num_cpus=READ_CPUS, max_retries=RETRIES))
    dataset = datasets[0]
    return dataset.union(*datasets[1:]) if len(datasets) > 1 else dataset


def _report(ray: Any, notes: Any, inputs: Sequence[str]) -> str | None:
    """Log the reader's warnings from the Ray tasks, in the order of ``inputs``; return
    the first reader error, if a file was refused."""
    kept = ray.get(notes.all.remote())
    paths = [str(Path(p).resolve()) for p in inputs]
    for path in paths:
        for line in kept.get(path, ([], None))[0]:
            logger.warning("%s", line)
    return next((kept[p][1] for p in paths if p in kept and kept[p][1]), None)


def _failure(exc: Exception) -> str:
    """A failed Ray run in one line: the exception Ray's text names (it carries the
    failed task's traceback as text, in colour)."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(exc).splitlines()]
    named = [line for line in lines if re.match(r"[\w.]*(Error|Exception): ", line)
             and not line.startswith("ray.")]
    first = (named or [line for line in lines if line] or [type(exc).__name__])[0]
    return f"the Ray run failed: {first}"


def _parquet_rows(files: Any) -> Any:
    """The rows of the Parquet files in a batch of ``read_binary_files`` records."""
    import io

    import pandas as pd
    import pyarrow.parquet as pq

    frames = [pq.read_table(io.BytesIO(data)).to_pandas() for data in files["bytes"]]
    return pd.concat(frames, ignore_index=True)


def classify_with_ray(inputs: Sequence[str], output_dir: str | Path, *,
                      model_dir: str | None = None, address: str | None = None,
                      fmt: str = "parquet", threshold: float | None = None,
                      num_cpus: int | None = None, workers: int | None = None,
                      classifier: type[BatchClassifier] = BatchClassifier,
                      batch_size: int = 4096) -> dict[str, Any]:
    """Label ``inputs`` on Ray and write ``fmt`` shards into ``output_dir``.

    Returns figures for the run: rows, seconds, workers, rows/s and rows/s per worker.
    """
    if fmt not in ("parquet", "csv"):
        raise TxcatError(f"unknown output format {fmt!r} for the Ray engine: parquet or csv")
    out = Path(output_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        # Ray adds shards beside what is there: an earlier run's would be counted and read
        # as this one's.
        raise TxcatError(f"{output_dir}: already holds files (or is a file); shards go into "
                         "a new or empty folder")
    ray = start(address, num_cpus)
    resources = ray.cluster_resources()
    gpus = int(resources.get("GPU", 0))
    uses_gpu = gpus > 0 and _model_uses_gpu(model_dir)
    pool = workers or (gpus if uses_gpu else max(1, int(resources.get("CPU", 1))))
    start_time = time.perf_counter()
    notes = _read_notes(ray)
    target = str(Path(output_dir).resolve())
    try:
        with _without_deprecation_notices():
            labeled = read(inputs, notes).map_batches(
                classifier,
                fn_constructor_kwargs={"model_dir": model_dir, "threshold": threshold},
                batch_format="pandas", batch_size=batch_size,
                compute=ray.data.ActorPoolStrategy(min_size=1, max_size=pool),
                num_cpus=ACTOR_CPUS, num_gpus=1 if uses_gpu else 0,
                max_restarts=RETRIES, max_task_retries=RETRIES)  # a dead worker: retry
            write = labeled.write_parquet if fmt == "parquet" else labeled.write_csv
            write(target, ray_remote_args={"num_cpus": READ_CPUS})
    except ray.exceptions.RayError as exc:
        raise TxcatError(_report(ray, notes, inputs) or _failure(exc)) from None
    _report(ray, notes, inputs)
    seconds = time.perf_counter() - start_time
    rows = sum(_rows_in(p, fmt) for p in Path(target).iterdir() if p.is_file())
    stats = {"rows": rows, "seconds": seconds, "workers": pool, "gpu": uses_gpu,
             "rows_per_second": rows / seconds if seconds else None,
             "rows_per_second_per_worker": rows / seconds / pool if seconds else None}
    return stats


def _rows_in(path: Path, fmt: str) -> int:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    import pandas as pd

    return len(pd.read_csv(path))


def _model_uses_gpu(model_dir: str | None) -> bool:
    """Only the torch strategies (bert, lora) gain from a GPU actor."""
    if not model_dir:
        return False
    from txcat.modeldir import read_manifest

    return read_manifest(model_dir).get("strategy") in ("bert", "lora")
