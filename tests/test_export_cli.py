"""txcat export / check-jsonl as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SAMPLES

from txcat.cli import main

LABELED = str(SAMPLES / "labeled" / "c6.csv")


@pytest.mark.parametrize("fmt, keys", [
    ("openai-chat", {"messages"}),
    ("openai-completion", {"prompt", "completion"}),
    ("alpaca", {"instruction", "input", "output"}),
    ("bedrock", {"prompt", "completion"}),
])
def test_export_then_check_passes_for_every_format(fmt: str, keys: set[str],
                                                   tmp_path: Path) -> None:
    train, validation = tmp_path / "train.jsonl", tmp_path / "validation.jsonl"
    result = CliRunner().invoke(main, ["export", LABELED, "--format", fmt, "-o", str(train),
                                       "--validation-out", str(validation)])
    assert result.exit_code == 0, result.output
    assert f"wrote 504 {fmt} examples" in result.stderr
    first = json.loads(train.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == keys
    for path in (train, validation):
        checked = CliRunner().invoke(main, ["check-jsonl", str(path), "--format", fmt])
        assert checked.exit_code == 0, checked.output
        assert checked.stdout.splitlines()[-1] == "OK"


def test_check_names_the_line_of_each_problem_and_exits_1(tmp_path: Path) -> None:
    train = tmp_path / "t.jsonl"
    CliRunner().invoke(main, ["export", LABELED, "--format", "openai-chat", "-o", str(train)])
    lines = train.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[2])
    record["messages"][-1]["content"] = "DIVERSAO"
    lines[2] = json.dumps(record, ensure_ascii=False)
    lines[5] = "{broken"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-jsonl", str(train), "--format", "openai-chat",
                                       "--price-per-million", "8"])
    assert result.exit_code == 1
    out = result.stdout
    assert f"{train}:3: " in out and "DIVERSAO" in out
    assert f"{train}:6: invalid JSON" in out
    assert out.splitlines()[-1] == "2 errors found"
    assert "training: " in out and "per 1M tokens" in out


def test_export_masks_personal_data_unless_asked_not_to(tmp_path: Path) -> None:
    labeled = tmp_path / "l.csv"
    labeled.write_text("data,valor,codigo,descricao,label\n"
                       "01/09/2024,-9.00,a,Pix enviado - JOAO - 123.456.789-09 - "
                       "BANCO X (0001) Agência: 1234 Conta: 56789-0,LAZER\n", encoding="utf-8")
    masked = CliRunner().invoke(main, ["export", str(labeled), "--format", "alpaca",
                                       "-o", str(tmp_path / "m.jsonl")])
    assert masked.exit_code == 0, masked.output
    text = (tmp_path / "m.jsonl").read_text(encoding="utf-8")
    assert "123.456.789-09" not in text and "56789-0" not in text
    kept = CliRunner().invoke(main, ["export", str(labeled), "--format", "alpaca", "--no-redact",
                                     "-o", str(tmp_path / "k.jsonl")])
    assert "123.456.789-09" in (tmp_path / "k.jsonl").read_text(encoding="utf-8")
    assert "not masked" in kept.stderr


def test_the_minimum_count_is_of_valid_examples(tmp_path: Path) -> None:
    """The services count the examples they can use: eleven lines, three of them
    broken, are eight examples and below the minimum of ten."""
    train = tmp_path / "t.jsonl"
    CliRunner().invoke(main, ["export", LABELED, "--format", "alpaca", "-o", str(train)])
    lines = train.read_text(encoding="utf-8").splitlines()[:11]
    lines[1] = lines[4] = lines[7] = "{broken"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-jsonl", str(train), "--format", "alpaca"])
    assert result.exit_code == 1
    assert "8 valid examples (11 lines); alpaca fine-tuning needs at least 10" in result.stdout
    assert f"{train}: 8 valid examples of 11 lines (LAZER " in result.stdout
    assert result.stdout.splitlines()[-1] == "4 errors found"


def test_one_problem_is_one_error(tmp_path: Path) -> None:
    train = tmp_path / "t.jsonl"
    CliRunner().invoke(main, ["export", LABELED, "--format", "alpaca", "-o", str(train)])
    lines = train.read_text(encoding="utf-8").splitlines()
    lines[3] = "{broken"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-jsonl", str(train), "--format", "alpaca"])
    assert result.stdout.splitlines()[-1] == "1 error found"


def test_the_line_count_counts_blank_lines(tmp_path: Path) -> None:
    """A blank line is one of the file's lines (and an error), so the line count
    beside the valid examples includes it: ten good lines, a broken one and a
    blank one are twelve lines, not eleven."""
    train = tmp_path / "t.jsonl"
    CliRunner().invoke(main, ["export", LABELED, "--format", "alpaca", "-o", str(train)])
    lines = train.read_text(encoding="utf-8").splitlines()[:11]
    lines.insert(5, "")
    lines[2] = "{broken"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-jsonl", str(train), "--format", "alpaca"])
    assert f"{train}:6: blank line" in result.stdout
    assert "10 valid examples (12 lines)" in result.stdout
    assert f"{train}: 10 valid examples of 12 lines (LAZER " in result.stdout  # the same count


def test_check_jsonl_calls_standard_input_stdin() -> None:
    line = json.dumps({"instruction": "x", "input": "Padaria Sol", "output": "NECESSIDADE"})
    result = CliRunner().invoke(main, ["check-jsonl", "-", "--format", "alpaca"],
                                input=(line + "\n") * 9 + "{broken\n")
    assert "<stdin>:10: invalid JSON" in result.stdout
    assert "<stdin>: 9 valid examples of 10 lines" in result.stdout


def test_check_jsonl_max_tokens(tmp_path: Path) -> None:
    train = tmp_path / "t.jsonl"
    CliRunner().invoke(main, ["export", LABELED, "--format", "alpaca", "-o", str(train)])
    result = CliRunner().invoke(main, ["check-jsonl", str(train), "--format", "alpaca",
                                       "--max-tokens", "100"])
    assert result.exit_code == 1
    assert f"{train}:1: " in result.stdout and "over the limit of 100 per example" \
        in result.stdout
    assert CliRunner().invoke(main, ["check-jsonl", str(train), "--format", "alpaca",
                                     "--max-tokens", "0"]).exit_code == 2


def test_the_summary_line_counts_in_words(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    good = json.dumps({"instruction": "x", "input": "Padaria Sol", "output": "NECESSIDADE"})
    path.write_text(good + "\n{broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-jsonl", str(path), "--format", "alpaca"])
    assert f"{path}: 1 valid example of 2 lines (" in result.stdout
    path.write_text("{broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check-jsonl", str(path), "--format", "alpaca"])
    assert f"{path}: 0 valid examples of 1 line (" in result.stdout


def test_help_says_what_a_folder_and_dash_mean() -> None:
    """export reads folders and '-' and writes '-' to stdout; check-jsonl reads '-':
    the help said neither."""
    export_help = " ".join(CliRunner().invoke(main, ["export", "--help"]).stdout.split())
    assert "a folder stands for its .csv files, and '-' reads standard input" in export_help
    assert "'-' writes to standard output" in export_help
    check_help = " ".join(CliRunner().invoke(main, ["check-jsonl", "--help"]).stdout.split())
    assert "'-' reads standard input" in check_help


@pytest.mark.parametrize("name", ["", " "])
def test_a_blank_validation_file_name_is_a_usage_error(name: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """'' failed with a bare 'No such file or directory', ' ' wrote a file named ' '."""
    monkeypatch.chdir(tmp_path)  # where ' ' would be written
    result = CliRunner().invoke(main, ["export", LABELED, "--format",
                                       "alpaca", "-o", "t.jsonl", "--validation-out", name])
    assert result.exit_code == 2
    assert "--validation-out needs a file name" in result.stderr
    assert list(tmp_path.iterdir()) == []
