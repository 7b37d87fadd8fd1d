"""The plugin seen from txcat: registration, parameters, the CLI, and ``python -m txcat_rules``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import txcat_rules
from click.testing import CliRunner
from rules_helpers import EXAMPLE, write
from txcat_rules import RulesStrategy
from txcat_rules.__main__ import main as rules_main
from txcat_rules.rules import tomllib

from txcat import plugins
from txcat.cli import main as txcat_main
from txcat.errors import StrategyError

LABELED_CSV = """Data,Valor,Identificador,Descrição,label
01/01/2024,-170.00,a1,Transferência enviada pelo Pix - AUTO POSTO ESTRADA REAL LTDA,TRABALHO
02/01/2024,-80.00,a2,Compra no débito - Auto Posto Estrada Real,TRABALHO
03/01/2024,-12.00,a3,Compra no débito - PADARIA SANTA LUZIA 03,NECESSIDADE
04/01/2024,-9.50,a4,Compra no débito - Padaria Santa Luzia,NECESSIDADE
05/01/2024,-40.00,a5,Compra no débito - Bar do Ze,LAZER
"""


def test_registered_through_txcats_plugin_manager() -> None:
    pm = plugins.get_plugin_manager()
    assert "rules" not in plugins.get_strategies()  # no entry points while tests run
    pm.register(txcat_rules, name="rules")
    try:
        assert plugins.get_strategies()["rules"] is RulesStrategy
        assert plugins.get_strategy("rules") is RulesStrategy  # usable here
    finally:
        pm.unregister(name="rules")
    assert "rules" not in plugins.get_strategies()


def test_the_entry_point_is_installed() -> None:
    found = {ep.name: ep for ep in entry_points(group="txcat")}
    assert "rules" in found, "run: pip install -e plugins/txcat-rules"
    assert found["rules"].value == "txcat_rules"
    assert found["rules"].load() is txcat_rules


def test_importing_the_plugin_does_not_import_numpy() -> None:
    code = "import sys, txcat_rules; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("params", "message"), [
    ({"confidence": 0}, r"rules: confidence must be a number above 0 and at most 1, not 0"),
    ({"confidence": 1.5}, r"confidence must be .* not 1.5"),
    ({"confidence": True}, r"confidence must be"),
    ({"min_share": "high"}, r"min_share must be .* not 'high'"),
    ({"min_support": 0}, r"min_support must be a whole number from 1 up, not 0"),
    ({"min_support": 2.5}, r"min_support must be"),
    ({"use_directory": "yes"}, r"use_directory must be true or false, not 'yes'"),
    ({"rules_file": 5}, r"rules_file must be the path of a TOML rules file, not 5"),
    ({"rules_file": " "}, r"rules_file must be the path"),
    ({"labels": 5}, r"labels must be a comma-separated list"),
    ({"labels": ","}, r"labels must be a comma-separated list"),
    ({"threshold": 0.5}, r"strategy 'rules' has no parameter threshold"),
])
def test_bad_parameters_are_clear(registered: None, params: dict[str, object],
                                  message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        plugins.create_strategy("rules", params)


def test_good_parameters(registered: None) -> None:
    s = plugins.create_strategy("rules", {"rules_file": "x.toml", "confidence": 1,
                                          "min_support": 1, "min_share": 0.5,
                                          "use_directory": False, "labels": "a,b"})
    assert isinstance(s, RulesStrategy)
    assert s.get_params()["rules_file"] == "x.toml"


def test_txcat_cli_lists_trains_and_classifies_with_rules(tmp_path: Path,
                                                          registered: None) -> None:
    runner = CliRunner()
    listed = runner.invoke(txcat_main, ["strategies"])
    assert listed.exit_code == 0
    assert "rules\n  keyword/regex rules" in listed.output
    assert "usable here: yes (ready)" in listed.output.split("rules\n", 1)[1]

    labeled = write(tmp_path / "labeled.csv", LABELED_CSV)
    statement = write(tmp_path / "extrato.csv",
                      "data,valor,codigo,descricao\n"
                      "03/09/2024,-30.50,d5,Compra no débito - Padaria Santa Luzia\n"
                      "30/10/2024,-87.54,f7,Compra no crédito - Auto Posto Estrada Real\n"
                      "31/10/2024,-10.00,g8,Compra no débito - Loja Nunca Vista\n")
    for extra in ([], ["-p", f"rules_file={EXAMPLE}"]):
        model = tmp_path / f"model{len(extra)}"
        trained = runner.invoke(txcat_main, ["train", str(labeled), "-o", str(model),
                                             "--strategy", "rules", *extra])
        assert trained.exit_code == 0, trained.output
        out = runner.invoke(txcat_main, ["classify", str(statement), "--model", str(model),
                                         "--threshold", "0.5"])
        assert out.exit_code == 0, out.output
        assert out.stdout.splitlines() == ["código,informação", "d5,NECESSIDADE",
                                           "f7,TRABALHO", "g8,REVISAR"]


def test_a_label_set_given_as_labels_is_not_refused_by_train(tmp_path: Path,
                                                             registered: None) -> None:
    """'-p labels=A,B,C' is this plugin's documented label set: txcat train, which
    refuses a model answering labels nobody asked for, counts it as asked for."""
    import json

    labeled = write(tmp_path / "labeled.csv", LABELED_CSV)
    trained = CliRunner().invoke(txcat_main, [
        "train", str(labeled), "-o", str(tmp_path / "m"), "--strategy", "rules",
        "-p", "labels=LAZER,NECESSIDADE,TRABALHO,SAUDE"])
    assert trained.exit_code == 0, trained.output
    manifest = json.loads((tmp_path / "m" / "txcat.json").read_text())
    assert manifest["labels"] == ["LAZER", "NECESSIDADE", "SAUDE", "TRABALHO"]


def test_python_m_learn_writes_an_editable_rules_file(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    labeled = write(tmp_path / "labeled.csv", LABELED_CSV)
    out = tmp_path / "rules.toml"
    assert rules_main(["learn", str(labeled), "-o", str(out), "--no-directory"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Rules learned by 'python -m txcat_rules learn' from labeled.csv "
                           "(5 labeled rows):\n# 2 from your labels, 0 from")
    assert "# How it works: rules are tried from the top" in text
    assert tomllib.loads(text)["rule"] == [
        {"pattern": "auto posto estrada real", "label": "TRABALHO", "support": 2, "share": 1.0},
        {"pattern": "padaria santa luzia", "label": "NECESSIDADE", "support": 2, "share": 1.0},
    ]
    assert "2 rules learned, 0 from the merchant directory" in capsys.readouterr().err
    # The file it wrote is a rules file the strategy reads as it is.
    assert RulesStrategy(rules_file=out).matched([]) == []

    assert rules_main(["learn", str(labeled), "--min-support", "1"]) == 0  # to stdout
    stdout = capsys.readouterr().out
    assert 'pattern = "bar ze"' in stdout and "merchant directory:" in stdout


def test_the_learned_files_header_says_what_an_unmatched_row_gets(tmp_path: Path) -> None:
    """No answer, REVISAR without any --threshold (not 'all labels equally likely', as
    before 2026-11-22), and the 'Use it with' lines work as written."""
    labeled = write(tmp_path / "labeled.csv", LABELED_CSV)
    out = tmp_path / "rules.toml"
    assert rules_main(["learn", str(labeled), "-o", str(out), "--no-directory"]) == 0
    header = "\n".join(line for line in out.read_text(encoding="utf-8").splitlines()
                       if line.startswith("#"))
    assert "equally likely" not in header and "--threshold" not in header
    assert "# A row no rule matches gets no answer: it is labeled REVISAR" in header


def test_python_m_learn_errors_are_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert rules_main(["learn", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("txcat-rules: error: ") and err.count("\n") == 1
    labeled = write(tmp_path / "labeled.csv", LABELED_CSV)
    assert rules_main(["learn", str(labeled), "--min-share", "2"]) == 1
    assert "min_share must be" in capsys.readouterr().err


def test_python_m_example_prints_the_packaged_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert rules_main(["example"]) == 0
    assert capsys.readouterr().out == EXAMPLE.read_text(encoding="utf-8")


def test_python_m_runs_as_a_module(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "txcat_rules", "--help"], capture_output=True,
                          text=True, check=True)
    assert "learn" in done.stdout and "example" in done.stdout
