"""txcat bench: one shared reproducible split, honest metrics, a report that validates."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner
from helpers import SAMPLES, TRAIN, strategy_plugin, txs
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_score

from txcat.bench.metrics import bootstrap_interval, score
from txcat.bench.report import write_report
from txcat.bench.runner import StrategySpec, parse_specs, run_benchmark
from txcat.bench.split import make_split, row_key
from txcat.cli import main
from txcat.counterpart import counterpart
from txcat.errors import TxcatError
from txcat.labels import DEFAULT_LABELS
from txcat.strategies.tfidf import TfidfStrategy
from txcat.training import LabeledData, read_labeled

FILES = [SAMPLES / "labeled" / "c6.csv", SAMPLES / "labeled" / "bb.csv"]
SCHEMA = json.loads(resources.files("txcat").joinpath("bench/results.schema.json").read_text())


@pytest.fixture(scope="module")
def data() -> LabeledData:
    return read_labeled(FILES)


def test_merchant_split_keeps_every_test_counterpart_out_of_training(data: LabeledData) -> None:
    split = make_split(data, "merchant", test_size=0.25, seed=3)
    train = {counterpart(data.transactions[i].description) for i in split.train}
    test = {counterpart(data.transactions[i].description) for i in split.test}
    assert train and test and not train & test
    assert sorted(split.train + split.test) == list(range(len(data.labels)))


def test_same_seed_same_split_other_seed_other_split(data: LabeledData) -> None:
    first = make_split(data, "merchant", seed=7).describe(data)
    again = make_split(data, "merchant", seed=7).describe(data)
    other = make_split(data, "merchant", seed=8).describe(data)
    assert first["test_keys"] == again["test_keys"]
    assert first["test_keys"] != other["test_keys"]
    assert first["test_keys"][0] == row_key(data.transactions[make_split(data, seed=7).test[0]])


def test_time_split_tests_on_the_newest_rows(data: LabeledData) -> None:
    split = make_split(data, "time", test_size=0.2)
    newest_train = max(data.transactions[i].date for i in split.train)  # type: ignore[type-var]
    oldest_test = min(data.transactions[i].date for i in split.test)  # type: ignore[type-var]
    assert newest_train <= oldest_test
    assert abs(len(split.test) - 0.2 * len(data.labels)) <= 1


def test_random_split_is_stratified(data: LabeledData) -> None:
    split = make_split(data, "random", test_size=0.3, seed=1)
    for label in DEFAULT_LABELS:
        share_all = data.labels.count(label) / len(data.labels)
        share_test = sum(data.labels[i] == label for i in split.test) / len(split.test)
        assert abs(share_all - share_test) < 0.02


def test_bad_split_requests_are_clear_errors(data: LabeledData) -> None:
    with pytest.raises(TxcatError, match="unknown split"):
        make_split(data, "alphabetical")
    with pytest.raises(TxcatError, match="between 0 and 1"):
        make_split(data, "random", test_size=1.5)
    tiny = LabeledData(transactions=data.transactions[:3], labels=data.labels[:3])
    with pytest.raises(TxcatError, match="too few"):
        make_split(tiny)


#: Twelve rows, four per label, each from its own counterpart (the audit's 'twelve.csv').
TWELVE = LabeledData(transactions=txs(*(d for d, _ in TRAIN)),
                     labels=[label for _, label in TRAIN])


def write_twelve(path: Path) -> Path:
    lines = ["data,código,valor,tipo,label"]
    lines += [f"{day:02d}/07/2024,r{day},-{day}.00,{description},{label}"
              for day, (description, label) in enumerate(TRAIN, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("method, what", [("merchant", "merchant"), ("random", "row")])
def test_a_test_size_that_leaves_nothing_to_train_on_is_a_clear_error(method: str,
                                                                      what: str) -> None:
    with pytest.raises(TxcatError, match=rf"--test-size 0\.99 leaves no training {what}s "
                                         r"\(all 12 would be tested\); use a smaller"):
        make_split(TWELVE, method, test_size=0.99)


def test_a_test_side_smaller_than_the_label_set_is_split_unstratified(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="txcat"):
        split = make_split(TWELVE, "random", test_size=0.01, seed=0)
    assert (len(split.train), len(split.test)) == (11, 1)
    assert sorted(split.train + split.test) == list(range(12))
    assert "not stratified: 1 test row cannot hold all 3 labels" in caplog.text


@pytest.mark.parametrize("args, error", [
    (["--test-size", "0.99"], "--test-size 0.99 leaves no training merchants"),
    (["--test-size", "0.99", "--split", "random"], "--test-size 0.99 leaves no training rows"),
    (["--test-size", "0.01", "--split", "random"], None),
])
def test_bench_cli_with_an_extreme_test_size_runs_or_says_why_in_one_line(
        args: list[str], error: str | None, tmp_path: Path) -> None:
    twelve = write_twelve(tmp_path / "twelve.csv")
    result = CliRunner().invoke(main, ["bench", str(twelve), "--strategies", "tfidf", *args])
    if error is None:
        assert result.exit_code == 0, result.output
        assert "1 test row" in result.stdout
    else:
        assert isinstance(result.exception, SystemExit) and result.exit_code == 1
        assert result.stderr.splitlines()[-1].startswith(f"txcat: error: {error}")


def test_metrics_match_scikit_learn_on_a_fixed_case() -> None:
    truth = ["LAZER", "LAZER", "NECESSIDADE", "TRABALHO", "TRABALHO", "NECESSIDADE", "LAZER"]
    predicted = ["LAZER", "TRABALHO", "NECESSIDADE", "TRABALHO", "LAZER", "NECESSIDADE", "REVISAR"]
    labels = list(DEFAULT_LABELS)
    result = score(truth, predicted, labels)
    assert result["accuracy"] == pytest.approx(accuracy_score(truth, predicted)) == 4 / 7
    assert result["macro_f1"] == pytest.approx(
        f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))
    precision = precision_score(truth, predicted, labels=labels, average=None, zero_division=0)
    assert [result["per_label"][lab]["precision"] for lab in labels] == pytest.approx(precision)
    assert result["per_label"]["LAZER"]["support"] == 3
    assert result["confusion_matrix"]["matrix"] == confusion_matrix(
        truth, predicted, labels=labels).tolist() == [[1, 0, 1], [0, 2, 0], [1, 0, 1]]
    low, high = result["accuracy_ci95"]
    assert 0.0 <= low < 4 / 7 < high <= 1.0


def test_bootstrap_interval_is_degenerate_when_every_row_is_right() -> None:
    assert bootstrap_interval(np.ones(50)) == (1.0, 1.0)
    low, high = bootstrap_interval(np.array([1.0] * 80 + [0.0] * 20), seed=0)
    assert low < 0.8 < high and high - low < 0.2


class Exploding(TfidfStrategy):
    name = "exploding-test"

    def fit(self, transactions: Any, labels: Any) -> Exploding:
        raise RuntimeError("out of memory, pretend")


@pytest.fixture
def exploding_plugin() -> Iterator[None]:
    with strategy_plugin("exploding-plugin", Exploding):
        yield


def test_a_failing_strategy_is_reported_and_the_others_still_run(
        data: LabeledData, exploding_plugin: None, tmp_path: Path) -> None:
    split = make_split(data, "merchant", seed=0)
    specs = [StrategySpec("exploding-test"), StrategySpec("tfidf"), StrategySpec("missing-one")]
    events: list[str] = []
    results = run_benchmark(data, split, specs, labels=DEFAULT_LABELS,
                            train_sizes=[100, "all"],
                            progress=lambda e: events.append(f"{e.strategy}:{e.stage}"))
    jsonschema.validate(results, SCHEMA)
    by_name = {r["name"]: r for r in results["strategies"]}
    assert by_name["exploding-test"]["status"] == "failed"
    assert "RuntimeError: out of memory, pretend" in by_name["exploding-test"]["reason"]
    assert by_name["missing-one"]["status"] == "unavailable"
    ok = by_name["tfidf"]
    assert ok["status"] == "ok" and ok["metrics"]["accuracy"] > 0.8
    assert ok["model_bytes"] > 0 and ok["predict_rows_per_second"] > 0
    assert [p["train_rows"] for p in ok["learning_curve"]] == [100, len(split.train)]
    assert "exploding-test:failed" in events and "tfidf:done" in events
    assert "missing-one:skipped" in events

    written = {p.name for p in write_report(results, split, data, tmp_path / "report")}
    assert {"results.json", "split.json", "report.md", "accuracy.png", "accuracy_vs_speed.png",
            "confusion_tfidf.png", "learning_curve.png"} <= written
    for png in (tmp_path / "report").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    report = (tmp_path / "report" / "report.md").read_text()
    assert "| exploding-test | failed |" in report and "RuntimeError" in report
    saved_split = json.loads((tmp_path / "report" / "split.json").read_text())
    assert len(saved_split["test_keys"]) == len(split.test)


class CannotSave(TfidfStrategy):
    name = "cannot-save-test"

    def save(self, directory: Path) -> None:
        raise RuntimeError("disk quota, pretend")


def test_a_strategy_whose_save_fails_keeps_its_scores_without_a_size(
        data: LabeledData, caplog: pytest.LogCaptureFixture) -> None:
    split = make_split(data, "merchant", seed=0)
    with strategy_plugin("cannot-save-plugin", CannotSave), \
            caplog.at_level(logging.WARNING, logger="txcat"):
        results = run_benchmark(data, split, [StrategySpec("cannot-save-test")],
                                labels=DEFAULT_LABELS)
    result = results["strategies"][0]
    assert result["status"] == "ok" and result["metrics"]["accuracy"] > 0.8
    assert result["model_bytes"] is None
    assert "cannot-save-test: its model could not be saved (RuntimeError: disk quota, " \
           "pretend)" in caplog.text


def test_strategy_specs_carry_parameters() -> None:
    specs = parse_specs("tfidf, tfidf:directory=false:C=2.5")
    assert specs[1] == StrategySpec("tfidf", {"directory": False, "C": 2.5})
    assert specs[1].label == "tfidf(directory=false, C=2.5)"
    with pytest.raises(TxcatError, match="not KEY=VALUE"):
        parse_specs("tfidf:oops")
    # LLM specs hold colons themselves: a piece with no '=' continues the value before it.
    specs = parse_specs("zero-shot:llm=openai:gpt-4o-mini,few-shot:llm=hf:/models/x:k=4")
    assert specs[0].params == {"llm": "openai:gpt-4o-mini"}
    assert specs[1].params == {"llm": "hf:/models/x", "k": 4}
    with pytest.raises(TxcatError, match=r"unknown strategy 'nosuch'; installed: .*tfidf"):
        parse_specs("tfidf,nosuch")
    # Spaces around a parameter, as around a strategy: 'has no parameter  C' named C.
    assert parse_specs("tfidf: C = 2 : directory=false") == [
        StrategySpec("tfidf", {"C": 2, "directory": False})]


def test_bench_cli_writes_a_valid_report_and_is_reproducible(tmp_path: Path) -> None:
    args = ["bench", *map(str, FILES), "--strategies", "tfidf,tfidf:directory=false",
            "--seed", "4"]
    first = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    assert "tfidf(directory=false)" in first.stdout and "accuracy" in first.stdout
    second = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "b")])
    assert second.exit_code == 0
    a = json.loads((tmp_path / "a" / "results.json").read_text())
    b = json.loads((tmp_path / "b" / "results.json").read_text())
    jsonschema.validate(a, SCHEMA)
    split_a, split_b = (tmp_path / d / "split.json" for d in "ab")
    assert split_a.read_text() == split_b.read_text()
    assert [s["metrics"]["accuracy"] for s in a["strategies"]] == \
        [s["metrics"]["accuracy"] for s in b["strategies"]]


def test_bench_cli_scores_on_a_given_test_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--test", str(FILES[1]),
                                       "--strategies", "tfidf", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "r" / "results.json").read_text())
    assert saved["split"]["method"] == "file"
    assert saved["split"]["test_rows"] == len(read_labeled([FILES[1]]).labels)


@pytest.mark.parametrize("args, message", [
    (["--train-sizes", "10,abc"], "'abc' is not a positive number"),
    (["--strategies", "tfidf:x"], "not KEY=VALUE"),
    # A bad value fails before any work, not after the other strategies ran.
    (["--strategies", "tfidf,tfidf:C=abc"], "tfidf: C must be a positive number"),
    (["--strategies", "tfidf:nope=1"], "strategy 'tfidf' has no parameter nope"),
    (["--strategies", "tfidf:C=1:C=2"], "strategy spec 'tfidf:C=1:C=2': C is given twice"),
])
def test_bench_cli_bad_options(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), *args])
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.parametrize("rows, args, message", [
    # Every row of one label: no split can help, so none is suggested.
    ([(f"Loja {i}", "LAZER") for i in range(20)], ["--split", "random"],
     "every one of the 20 labeled rows is LAZER"),
    ([*((f"Mercado {i}", "NECESSIDADE") for i in range(9)), ("Cinema", "LAZER")], [],
     "the merchant split's training side holds one label"),
])
def test_bench_refuses_a_training_side_of_one_label_as_train_does(
        rows: list[tuple[str, str]], args: list[str], message: str, tmp_path: Path) -> None:
    path = tmp_path / "single.csv"
    path.write_text("data,descricao,valor,label\n" + "".join(
        f"03/09/2024,{text},-10.00,{label}\n" for text, label in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", str(path), "--strategies", "tfidf", *args])
    assert result.exit_code == 1
    assert message in result.stderr and "at least two labels" in result.stderr
    assert "1.000" not in result.stdout


def test_bench_cli_names_an_unknown_strategy_before_any_work() -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf,nosuch"])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert result.stderr.startswith("txcat: error: unknown strategy 'nosuch'; installed: ")
    assert "tfidf" in result.stderr and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""  # nothing was split or fitted


def test_bench_cli_exits_1_when_no_strategy_was_scored_and_still_reports(
        tmp_path: Path, exploding_plugin: None) -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "exploding-test",
                                       "-o", str(tmp_path / "r")])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert "exploding-test: failed: RuntimeError: out of memory" in result.stdout
    assert result.stderr.splitlines()[-1] == ("txcat: error: no strategy was scored (the "
                                              "reasons are listed above)")
    saved = json.loads((tmp_path / "r" / "results.json").read_text())
    assert [s["status"] for s in saved["strategies"]] == ["failed"]


class Recording(TfidfStrategy):
    name = "recording-test"
    fits: ClassVar[list[int]] = []

    def fit(self, transactions: Any, labels: Any) -> Recording:
        Recording.fits.append(len(transactions))
        super().fit(transactions, labels)
        return self


def test_bench_cli_checks_the_report_location_before_fitting(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("in the way")
    Recording.fits.clear()
    args = ["bench", str(FILES[0]), "--strategies", "recording-test", "-o"]
    with strategy_plugin("recording-plugin", Recording):
        result = CliRunner().invoke(main, [*args, str(tmp_path / "a-file" / "report")])
        assert isinstance(result.exception, SystemExit) and result.exit_code == 1
        assert result.stderr.splitlines()[-1] == (
            f"txcat: error: cannot write {tmp_path}/a-file/report: {tmp_path}/a-file is a file")
        assert Recording.fits == [] and result.stdout == ""
        fine = CliRunner().invoke(main, [*args, str(tmp_path / "new" / "report")])
    assert fine.exit_code == 0, fine.output
    assert len(Recording.fits) == 1 and (tmp_path / "new" / "report" / "results.json").exists()


def test_report_and_model_directories_follow_the_umask(tmp_path: Path) -> None:
    import os

    from txcat.modeldir import save_model

    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                           "-o", str(tmp_path / "r")])
        assert result.exit_code == 0, result.output
        data = read_labeled([FILES[0]])
        save_model(TfidfStrategy().fit(data.transactions, data.labels), tmp_path / "m")
    finally:
        os.umask(old)
    assert (tmp_path / "r").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "m").stat().st_mode & 0o777 == 0o755


def test_a_report_written_again_replaces_the_old_one_whole(data: LabeledData,
                                                           tmp_path: Path) -> None:
    split = make_split(data, "merchant", seed=0)
    results = run_benchmark(data, split, [StrategySpec("tfidf")], labels=DEFAULT_LABELS)
    write_report(results, split, data, tmp_path / "report")
    # A chart of a strategy this run does not have is the old report's own.
    (tmp_path / "report" / "confusion_old-strategy.png").write_bytes(b"\x89PNG")
    (tmp_path / "report" / ".DS_Store").write_bytes(b"")
    write_report(results, split, data, tmp_path / "report", charts=False)
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no staging leftovers
    assert not (tmp_path / "report" / "confusion_old-strategy.png").exists()
    assert not (tmp_path / "report" / "accuracy.png").exists()


@pytest.mark.parametrize("own", ["notas.md", "meu.png", "analise/grafico.png"])
def test_a_report_folder_holding_the_users_own_files_is_not_replaced(
        data: LabeledData, tmp_path: Path, own: str) -> None:
    split = make_split(data, "merchant", seed=0)
    results = run_benchmark(data, split, [StrategySpec("tfidf")], labels=DEFAULT_LABELS)
    write_report(results, split, data, tmp_path / "report")
    mine = tmp_path / "report" / own
    mine.parent.mkdir(exist_ok=True)
    mine.write_text("meu", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "-o", str(tmp_path / "report")])
    assert result.exit_code == 1
    assert f"holds files that are not the report's ({own})" in result.stderr
    assert mine.read_text(encoding="utf-8") == "meu"


def test_train_sizes_above_the_training_rows_are_named_not_dropped_silently() -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "--train-sizes", "50,100000"])
    assert result.exit_code == 0, result.output
    assert "--train-sizes 100000 is more than the" in result.stderr
    assert "left out of the learning curve (use 'all')" in result.stderr


def test_bench_never_replaces_a_folder_that_is_not_a_report(tmp_path: Path) -> None:
    """-o names where the report goes; a folder of the user's own files must not be
    swapped out for it (that deleted them). An earlier report is replaced."""
    folder = tmp_path / "keep"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "-o", str(folder)])
    assert result.exit_code == 1
    assert "exists and is not a txcat bench report" in result.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "precious"
    report = tmp_path / "report"
    for _ in range(2):  # the second run replaces the first report
        result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                           "-o", str(report)])
        assert result.exit_code == 0, result.output


def test_bench_reads_a_csv_of_no_known_layout_with_column_options(tmp_path: Path) -> None:
    """train and export take --description-column; bench must read the same files."""
    rows = read_labeled([FILES[0]])
    labeled = tmp_path / "mine.csv"
    labeled.write_text("historico;quanto;label\n" + "".join(
        f"{tx.description.replace(';', ' ')};{tx.amount};{label}\n"
        for tx, label in zip(rows.transactions, rows.labels, strict=True)), encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", str(labeled), "--strategies", "tfidf",
                                       "--description-column", "historico",
                                       "--amount-column", "quanto"])
    assert result.exit_code == 0, result.output
    assert "tfidf" in result.stdout


def test_macro_f1_averages_the_labels_that_occur() -> None:
    """A label neither in the test rows nor predicted has no F1 to speak of: counting it
    as 0 made a perfect run on a small split read 0.667."""
    perfect = score(["LAZER", "NECESSIDADE"], ["LAZER", "NECESSIDADE"], DEFAULT_LABELS)
    assert perfect["accuracy"] == 1.0 and perfect["macro_f1"] == 1.0
    # a label predicted but never true still counts, and costs
    wrong = score(["LAZER", "LAZER"], ["LAZER", "TRABALHO"], DEFAULT_LABELS)
    assert wrong["macro_f1"] == pytest.approx((2 / 3 + 0) / 2)


def test_a_test_file_that_is_also_a_training_file_is_warned_about() -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--test", str(FILES[0]),
                                       "--strategies", "tfidf"])
    assert result.exit_code == 0, result.output
    assert (f"--test {FILES[0]} is also a training file: its rows are learned before "
            "they are scored, so the scores say little") in result.stderr


@pytest.mark.parametrize("seed", ["-1", "4294967296"])
@pytest.mark.parametrize("method", ["merchant", "random"])
def test_a_seed_out_of_range_is_a_usage_error(seed: str, method: str) -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "--split", method, "--seed", seed])
    assert result.exit_code == 2, result.output
    assert "--seed" in result.stderr and "0<=x<=4294967295" in result.stderr


def test_empty_strategies_is_refused_not_taken_for_all() -> None:
    """'--strategies ""' (an unset shell variable) named nothing: it ran every
    strategy, bert and lora included, for minutes."""
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", ""])
    assert result.exit_code != 0
    assert "no strategy named in --strategies" in result.stderr


def test_a_failed_learning_curve_point_keeps_the_strategys_score(tmp_path: Path) -> None:
    """min_df=20 cannot fit 10 rows: that curve point fails, and says so; the
    strategy's score on the full training side stands."""
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies",
                                       "tfidf:min_df=20", "--train-sizes", "10,all",
                                       "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "min_df 20 is more than the 10 training rows" in result.stderr
    [entry] = json.loads((tmp_path / "r" / "results.json").read_text())["strategies"]
    assert entry["status"] == "ok" and entry["metrics"]["accuracy"] > 0.5
    [point] = entry["learning_curve"]  # 'all' only
    assert point["accuracy"] == entry["metrics"]["accuracy"]
    assert "--train-sizes 10 left out of the learning curve" in result.stderr


def test_a_learning_curve_point_of_one_label_is_left_out_as_train_would_refuse_it(
        tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "--train-sizes", "1,all", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "--train-sizes 1 gives training rows of one label" in result.stderr
    [entry] = json.loads((tmp_path / "r" / "results.json").read_text())["strategies"]
    assert [p["train_rows"] for p in entry["learning_curve"]] == [
        entry["learning_curve"][0]["train_rows"]] and \
        entry["learning_curve"][0]["train_rows"] > 1


def test_a_strategy_given_twice_in_strategies_is_refused() -> None:
    """Its two runs would share one row of the table and one chart file."""
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies",
                                       "tfidf,tfidf:C=2, tfidf"])
    assert result.exit_code == 1
    assert "'tfidf' is given twice in --strategies; give it once" in result.stderr


def test_test_rows_that_are_also_training_rows_are_pointed_out(tmp_path: Path) -> None:
    """A --test file that is a renamed copy of a training file scores 1.000 and means
    nothing: the rows are counted and the user told."""
    copy = tmp_path / "teste.csv"
    copy.write_bytes(FILES[0].read_bytes())
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "--test", str(copy)])
    assert result.exit_code == 0, result.output
    rows = len(read_labeled([FILES[0]]).labels)
    assert (f"{rows} of the {rows} test rows are also training rows (same date, amount "
            "and description)") in result.stderr


@pytest.mark.parametrize("option", [["--split", "random"], ["--test-size", "0.3"]])
def test_split_options_with_a_test_file_are_usage_errors(option: list[str],
                                                         tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--strategies", "tfidf",
                                       "--test", str(FILES[1]), *option])
    assert result.exit_code == 2
    assert f"{option[0]} shapes a split of the training files; with --test" in result.stderr


def test_row_keys_tell_apart_files_of_one_name_in_two_folders(tmp_path: Path) -> None:
    """split.json's keys let a later strategy be scored on the same rows: two banks'
    'extrato.csv' must not give the same keys."""
    for folder, source in (("c6", FILES[0]), ("bb", FILES[1])):
        (tmp_path / folder).mkdir()
        shutil.copy(source, tmp_path / folder / "extrato.csv")
    result = CliRunner().invoke(main, ["bench", str(tmp_path / "c6" / "extrato.csv"),
                                       str(tmp_path / "bb" / "extrato.csv"),
                                       "--strategies", "tfidf", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    split = json.loads((tmp_path / "r" / "split.json").read_text())
    keys = split["train_keys"] + split["test_keys"]
    assert len(set(keys)) == len(keys)
    assert {k.split("#")[0] for k in keys} == {"c6/extrato.csv", "bb/extrato.csv"}
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["data"]["files"] == ["c6/extrato.csv", "bb/extrato.csv"]


class AbstainsOnPix(TfidfStrategy):
    """tfidf that gives no answer (an all-zero row) where the description names a Pix."""

    name = "abstains-on-pix"

    def predict_proba(self, transactions: Any) -> np.ndarray:
        out = super().predict_proba(transactions)
        out[["pix" in t.description.lower() for t in transactions]] = 0.0
        return out


def test_rows_with_no_answer_are_counted_in_the_metrics_and_the_matrix(
        data: LabeledData, tmp_path: Path) -> None:
    split = make_split(data, "merchant", seed=0)
    with strategy_plugin("abstains-plugin", AbstainsOnPix):
        results = run_benchmark(data, split, [StrategySpec("abstains-on-pix")],
                                labels=DEFAULT_LABELS)
    jsonschema.validate(results, SCHEMA)
    metrics = results["strategies"][0]["metrics"]
    test_tx = [data.transactions[i] for i in split.test]
    expected = sum("pix" in t.description.lower() for t in test_tx)
    assert 0 < expected < len(test_tx)
    assert metrics["unanswered"] == expected
    cm = metrics["confusion_matrix"]
    assert sum(map(sum, cm["matrix"])) + sum(cm["unanswered"]) == len(test_tx)
    write_report(results, split, data, tmp_path / "r", charts=False)
    report = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "| | LAZER | NECESSIDADE | TRABALHO | no answer |" in report
    assert f"{expected} unanswered" in report


def test_strategies_whose_names_read_alike_get_charts_of_their_own(
        data: LabeledData, tmp_path: Path) -> None:
    split = make_split(data, "merchant", seed=0)
    results = run_benchmark(data, split, [StrategySpec("tfidf"),
                                          StrategySpec("tfidf", {"C": 2.5})],
                            labels=DEFAULT_LABELS)
    # Two descriptions files, 'dd/desc.json' and 'dd-desc.json', once gave one chart name.
    results["strategies"][0]["name"] = "zero-shot(descriptions_file=dd/desc.json)"
    results["strategies"][1]["name"] = "zero-shot(descriptions_file=dd-desc.json)"
    written = [p.name for p in write_report(results, split, data, tmp_path / "r")]
    confusion = [n for n in written if n.startswith("confusion_")]
    assert len(confusion) == 2, confusion


class FailsInLines(TfidfStrategy):
    name = "fails-in-lines"

    def fit(self, transactions: Any, labels: Any) -> FailsInLines:
        # As scikit-learn and torch write theirs: several lines, and a '|' of their own.
        raise ValueError("Expected 2D array, got 1D array instead:\narray=[1 | 2].\n"
                         "Reshape your data")


def test_an_error_of_several_lines_keeps_the_report_table_whole(
        data: LabeledData, tmp_path: Path) -> None:
    split = make_split(data, "merchant", seed=0)
    with strategy_plugin("fails-in-lines-plugin", FailsInLines):
        results = run_benchmark(data, split, [StrategySpec("fails-in-lines"),
                                              StrategySpec("tfidf")], labels=DEFAULT_LABELS)
    write_report(results, split, data, tmp_path / "r", charts=False)
    lines = (tmp_path / "r" / "report.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| strategy | status | accuracy [95% CI] | macro-F1 | fit s | rows/s | "
                        "model size | note |")
    rows = lines[start + 2 : start + 4]
    # A cell's own '|' is escaped; each row is one line of the table's 8 cells.
    assert [len(re.split(r"(?<!\\)\|", row)) - 2 for row in rows] == [8, 8]
    assert rows[0].startswith("| fails-in-lines | failed |")
    assert "ValueError: Expected 2D array, got 1D array instead: array=[1 \\| 2]. Reshape " \
           "your data |" in rows[0]
    assert rows[1].startswith("| tfidf | ok |")


def test_the_learning_curve_chart_labels_its_axis_with_the_sizes_fitted(
        data: LabeledData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from txcat.bench import charts

    shown: dict[str, list[str]] = {}
    save = charts._save

    def noting_the_ticks(fig: Any, path: Path, plt: Any) -> Path:
        fig.canvas.draw()
        axis = fig.axes[0].xaxis
        shown[path.name] = [t.get_text() for t in [*axis.get_majorticklabels(),
                                                   *axis.get_minorticklabels()]
                            if t.get_text()]
        return save(fig, path, plt)

    monkeypatch.setattr(charts, "_save", noting_the_ticks)
    split = make_split(data, "merchant", seed=0)
    results = run_benchmark(data, split, [StrategySpec("tfidf")], labels=DEFAULT_LABELS,
                            train_sizes=[50, 200, "all"])
    write_report(results, split, data, tmp_path / "r")
    # Log-scale minor labels ('3×10²' and '4×10²' printed over each other) said less.
    assert shown["learning_curve.png"] == ["50", "200", f"{len(split.train):,}"]


def test_a_report_scored_on_a_test_file_names_that_file(tmp_path: Path) -> None:
    """It said '560 labeled rows from c6.csv ... 560 train / 560 test rows', as if c6.csv
    had been scored on its own rows; bb.csv, the rows scored, was named nowhere."""
    result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--test", str(FILES[1]),
                                       "--strategies", "tfidf", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "r" / "results.json").read_text())
    jsonschema.validate(saved, SCHEMA)
    assert saved["data"]["files"] == ["c6.csv"]
    assert saved["data"]["test_files"] == ["bb.csv"]
    test_rows = len(read_labeled([FILES[1]]).labels)
    report = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert (f"Data: 560 labeled rows from c6.csv; the {test_rows} test rows are from bb.csv "
            "(--test).") in report


class Noted(TfidfStrategy):
    name = "noted-test"

    def __init__(self, *, note: str = "", **params: Any) -> None:
        super().__init__(**params)
        self.note = note


def test_the_terminal_table_shows_a_name_with_brackets_as_it_is() -> None:
    """rich read '[b]' in a parameter's value (a file name) as markup and dropped it."""
    with strategy_plugin("noted-plugin", Noted):
        result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--split", "random",
                                           "--strategies", "noted-test:note=[b]old"])
    assert result.exit_code == 0, result.output
    assert "noted-test(note=[b]old)" in result.stdout


def test_a_dollar_sign_in_a_strategy_name_is_drawn_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """matplotlib read text between two '$' as a formula: 'note=R$ 5 a R$ 7' was drawn
    as 'R5aR7' in italics, in every chart that names the strategy."""
    from matplotlib.text import Text

    from txcat.bench import charts

    drawn: list[tuple[str, bool]] = []
    save = charts._save

    def noting_the_texts(fig: Any, path: Path, plt: Any) -> Path:
        fig.canvas.draw()
        drawn.extend((t.get_text(), t.get_parse_math())
                     for t in fig.findobj(Text) if "$" in t.get_text())
        return save(fig, path, plt)

    monkeypatch.setattr(charts, "_save", noting_the_texts)
    with strategy_plugin("noted-plugin", Noted):
        result = CliRunner().invoke(main, ["bench", str(FILES[0]), "--split", "random",
                                           "--strategies", "noted-test:note=R$ 5 a R$ 7",
                                           "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert drawn and all(text == "noted-test(note=R$ 5 a R$ 7)" for text, _ in drawn)
    assert not any(as_math for _, as_math in drawn), drawn
