"""The Ray engine on a real local Ray cluster: same rows, same labels as one process."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pd = pytest.importorskip("pandas")

from click.testing import CliRunner  # noqa: E402
from helpers import SAMPLES  # noqa: E402

from txcat.cli import main  # noqa: E402
from txcat.integrations.batches import BatchClassifier, statement_rows  # noqa: E402
from txcat.integrations.ray_engine import classify_with_ray  # noqa: E402

FILES = sorted(str(p) for p in (SAMPLES / "labeled").glob("*.csv"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    cache = tmp_path_factory.mktemp("ray-cache")
    os.environ["TXCAT_CACHE_DIR"] = str(cache)  # workers inherit it: never the user's cache
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"TXCAT_CACHE_DIR": str(cache)}})
    try:
        yield
    finally:
        ray.shutdown()


def single_process() -> pd.DataFrame:
    rows = [row for path in FILES for row in statement_rows(Path(path).name,
                                                             Path(path).read_bytes())]
    return BatchClassifier()(pd.DataFrame(rows))


def compare(out_dir: Path) -> None:
    distributed = pd.read_parquet(out_dir)
    expected = single_process()
    assert len(distributed) == len(expected) == 7040  # nothing lost, nothing duplicated
    assert not distributed.duplicated(["file", "row"]).any()
    joined = expected.merge(distributed, on=["file", "row"], suffixes=("", "_ray"),
                            validate="one_to_one")
    assert len(joined) == len(expected)
    assert (joined["label"] == joined["label_ray"]).all()
    assert (joined["description"] == joined["description_ray"]).all()
    assert ((joined["confidence"] - joined["confidence_ray"]).abs() < 1e-9).all()


def test_distributed_output_equals_the_single_process_output(cluster: None,
                                                              tmp_path: Path) -> None:
    stats = classify_with_ray(FILES, tmp_path / "out")
    assert stats["rows"] == 7040 and stats["workers"] == 2
    compare(tmp_path / "out")


class DiesOnce(BatchClassifier):
    """Kills its own worker process on its first batch (once per test run)."""

    marker = ""

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        if not os.path.exists(self.marker):
            Path(self.marker).write_text("died")
            os._exit(1)  # the worker process dies mid-run, as a crashed node would
        return super().__call__(batch)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster: None,
                                                             tmp_path: Path) -> None:
    # Workers cannot import this test module: ship the crashing class by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    DiesOnce.marker = str(tmp_path / "died")
    classify_with_ray(FILES, tmp_path / "out", classifier=DiesOnce, batch_size=1000)
    assert Path(DiesOnce.marker).exists()  # a worker really died
    compare(tmp_path / "out")


def test_the_cli_runs_on_ray_and_reports_rows_per_worker(cluster: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["classify", "--engine", "ray", *FILES[:2], "-o",
                                       str(tmp_path / "shards"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "rows/s per worker" in result.stderr
    shards = pd.concat(pd.read_csv(p) for p in (tmp_path / "shards").iterdir())
    assert {"file", "row", "description", "label", "confidence"} <= set(shards.columns)
    result = CliRunner().invoke(main, ["classify", "--engine", "ray", FILES[0]])
    assert result.exit_code == 2 and "give -o OUTPUT_DIR" in result.output


def test_an_output_folder_holding_files_is_refused_before_ray_starts(tmp_path: Path) -> None:
    """Shards of an earlier run would mix with the new ones (a second run reported twice
    the rows): a non-empty folder is refused, with no cluster started."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-0.parquet").write_bytes(b"old")
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                       "--engine", "ray", "-o", str(out)])
    assert result.exit_code == 1
    assert f"{out}: already holds files" in result.stderr
    assert [p.name for p in out.iterdir()] == ["part-0.parquet"]


def test_the_cli_on_ray_reads_a_folder_as_its_csv_files(cluster: None, tmp_path: Path) -> None:
    folder = tmp_path / "extratos"
    folder.mkdir()
    for name in ("a.csv", "b.csv"):
        (folder / name).write_bytes((SAMPLES / "extrato.csv").read_bytes())
    (folder / "notes.txt").write_text("not a statement", encoding="utf-8")  # as locally
    result = CliRunner().invoke(main, ["classify", "--engine", "ray", str(folder), "-o",
                                       str(tmp_path / "shards"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    shards = pd.concat(pd.read_csv(p) for p in (tmp_path / "shards").iterdir())
    assert len(shards) == 20 and set(shards["file"]) == {"a.csv", "b.csv"}


def test_a_statement_the_reader_refuses_is_one_line_not_a_traceback(cluster: None,
                                                                    tmp_path: Path) -> None:
    """The reader's error happens in a Ray task; Ray hands back only its text, wrapped in
    its own traceback. The user gets the reader's one line, as locally."""
    good = tmp_path / "a.csv"
    good.write_bytes((SAMPLES / "extrato.csv").read_bytes())
    bad = tmp_path / "b.csv"
    bad.write_text("foo;bar\n1;2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "--engine", "ray", str(good), str(bad),
                                       "-o", str(tmp_path / "shards")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr and "UserCodeException" not in result.stderr
    assert "txcat: error: b.csv: no description column found; columns are: foo, bar" \
        in result.stderr


def test_the_readers_warnings_reach_the_user_from_ray_tasks(cluster: None,
                                                            tmp_path: Path) -> None:
    """An amount that cannot be read is kept with a warning locally; on Ray the warning
    was written in a worker's log and lost."""
    odd = tmp_path / "c.csv"
    odd.write_text("data,valor,codigo,descricao\n03/09/2024,abc,x1,Mercado Bom\n"
                   "04/09/2024,-10.00,x2,Padaria\n", encoding="utf-8")
    empty = tmp_path / "d.csv"
    empty.write_text("data,valor,codigo,descricao\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "--engine", "ray", str(odd), str(empty),
                                       "-o", str(tmp_path / "shards"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "txcat: warning: c.csv:2: row amount 'abc' not understood; row kept" \
        in result.stderr
    assert "txcat: warning: d.csv: no data rows after the header" in result.stderr
    assert "ray_remote_args" not in result.stderr  # Ray's notice to its own users
    shards = pd.concat(pd.read_csv(p) for p in (tmp_path / "shards").iterdir())
    assert sorted(shards["id"]) == ["x1", "x2"]
