"""The prompt strategies against a real OpenAI-compatible server on loopback, via the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import SAMPLES
from llm_server import LLMServer, keyword_label, rows_of, serve

from txcat.cli import main
from txcat.plugins import create_strategy
from txcat.strategies.zero_shot import ZeroShotStrategy
from txcat.transactions import Transaction

pytest.importorskip("openai")

NEEDS_TORCH = (False, "needs torch, transformers (pip install 'txcat[transformers]')")


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with serve() as running:
        yield running


def classify(server: LLMServer, *args: str) -> tuple[int, str, str]:
    # A 560-row example pool keeps the tests quick (the default pool is the whole corpus).
    result = CliRunner().invoke(main, [
        "classify", str(SAMPLES / "extrato.csv"), "--llm", "openai:fake-model",
        "--llm-base-url", server.base_url, "--examples", str(SAMPLES / "labeled" / "c6.csv"),
        *args])
    return result.exit_code, result.stdout, result.stderr


def test_few_shot_classifies_through_an_openai_compatible_server(server: LLMServer) -> None:
    code, out, err = classify(server, "--strategy", "few-shot")
    assert code == 0, err
    rows = out.splitlines()
    assert rows[0] == "código,informação" and len(rows) == 11
    sent = [r["row"] for body in server.bodies for r in rows_of(body)]
    assert [line.split(",")[1] for line in rows[1:]] == [keyword_label(r) for r in sent]
    system = server.bodies[0]["messages"][0]["content"]
    assert "=> " in system  # labeled examples from the pool are in the prompt
    assert "LLM fake-model: " in err and "tokens" in err


def test_personal_data_is_masked_before_it_leaves(server: LLMServer) -> None:
    code, _, err = classify(server, "--strategy", "few-shot")
    assert code == 0, err
    everything = b"".join(server.recorder.raw).decode("utf-8")
    assert "11.111.222/0001-33" not in everything  # the CNPJ in samples/extrato.csv
    assert "101112-3" not in everything  # its account number
    assert "MERCADINHO ESTRELA" in everything  # the counterpart decides the label: kept
    code, _, _ = classify(server, "--strategy", "few-shot", "--no-redact")
    assert "11.111.222/0001-33" in b"".join(server.recorder.raw).decode("utf-8")


def test_zero_shot_with_an_llm_sends_descriptions_and_no_examples(server: LLMServer) -> None:
    code, out, err = classify(server, "--strategy", "zero-shot")
    assert code == 0, err
    system = server.bodies[0]["messages"][0]["content"]
    assert "NECESSIDADE: supermercado" in system and "=> " not in system
    assert len(out.splitlines()) == 11


@pytest.fixture
def no_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if torch and transformers were not installed: a None entry in sys.modules makes
    find_spec find nothing and an import fail."""
    for name in ("torch", "transformers"):
        monkeypatch.setitem(sys.modules, name, None)


def test_zero_shot_needs_what_the_chosen_backend_needs(no_torch: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert ZeroShotStrategy.availability() == NEEDS_TORCH  # embeddings, the default
    assert ZeroShotStrategy.availability({"llm": "hf:/models/causal-lm"}) == NEEDS_TORCH
    assert ZeroShotStrategy.availability({"llm": "openai:gpt-4o-mini"}) == (True, "ready")
    assert ZeroShotStrategy.availability({"llm": "ollama:llama3.1"}) == (True, "ready")
    monkeypatch.setitem(sys.modules, "openai", None)
    assert ZeroShotStrategy.availability({"llm": "openai:gpt-4o-mini"}) == (
        False, "needs openai (pip install 'txcat[llm]')")


def test_zero_shot_with_an_llm_runs_where_torch_is_not_installed(server: LLMServer,
                                                                 no_torch: None) -> None:
    code, out, err = classify(server, "--strategy", "zero-shot")
    assert code == 0, err
    assert len(out.splitlines()) == 11
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"), "--strategy",
                                       "zero-shot"])
    assert result.exit_code == 1
    assert result.stderr == ("txcat: error: strategy 'zero-shot' cannot run here: "
                             f"{NEEDS_TORCH[1]}\n")


def test_strategies_describes_the_llm_option_the_cli_takes() -> None:
    listed = CliRunner().invoke(main, ["strategies", "--json"])
    row = {r["name"]: r for r in json.loads(listed.stdout)}["zero-shot"]
    assert "--llm" in row["description"] and "-p llm" not in row["description"]
    helped = CliRunner().invoke(main, ["classify", "--help"]).stdout
    assert "--llm SPEC" in helped and "--param" not in helped


def test_rows_without_a_valid_answer_become_revisar(server: LLMServer) -> None:
    server.behaviour.malformed = 100
    server.behaviour.malformed_kind = "not_json"
    code, out, err = classify(server, "--strategy", "few-shot")
    assert code == 0, err
    assert {line.split(",")[1] for line in out.splitlines()[1:]} == {"REVISAR"}
    assert "10 rows got no valid answer from the model" in err


def test_the_openai_key_never_goes_to_another_server(server: LLMServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-openai-key")
    monkeypatch.delenv("TXCAT_LLM_API_KEY", raising=False)
    code, _, err = classify(server, "--strategy", "few-shot")
    assert code == 0, err
    assert b"sk-secret-openai-key" not in b"".join(server.recorder.raw_headers)


def test_train_stores_the_example_pool_and_bench_lists_unconfigured_llms(
        server: LLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    labeled = str(SAMPLES / "labeled" / "c6.csv")
    result = CliRunner().invoke(main, ["train", labeled, "--strategy", "few-shot", "--llm",
                                       "openai:fake-model", "--llm-base-url", server.base_url,
                                       "-o", str(tmp_path / "fs")])
    assert result.exit_code == 0, result.output
    pool = (tmp_path / "fs" / "examples.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(pool) > 100 and "label" in json.loads(pool[0])
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"), "--model",
                                       str(tmp_path / "fs")])
    assert result.exit_code == 0, result.output
    monkeypatch.delenv("TXCAT_LLM", raising=False)
    result = CliRunner().invoke(main, ["bench", labeled, "--strategies", "tfidf,few-shot"])
    assert "few-shot: unavailable: no LLM configured" in result.stdout


def test_a_model_trained_with_no_redact_says_so_each_time_it_sends(server: LLMServer,
                                                                   tmp_path: Path) -> None:
    """--no-redact is stored in the model: every later classify (by anyone the folder
    is given to) sends unmasked rows, and classify has no flag to undo it. It warns."""
    labeled = str(SAMPLES / "labeled" / "c6.csv")
    result = CliRunner().invoke(main, ["train", labeled, "--strategy", "few-shot", "--llm",
                                       "openai:fake-model", "--llm-base-url", server.base_url,
                                       "--no-redact", "-o", str(tmp_path / "fs")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"), "--model",
                                       str(tmp_path / "fs")])
    assert result.exit_code == 0, result.output
    assert ("was trained with --no-redact: rows go to the LLM with personal data unmasked; "
            "train it again without --no-redact to mask them") in result.stderr


def test_a_prompt_template_not_in_utf8_is_a_one_line_error(server: LLMServer,
                                                           tmp_path: Path) -> None:
    template = tmp_path / "modelo.txt"
    template.write_bytes("Rótulos: $labels\n$descriptions\n".encode("cp1252"))
    code, _, err = classify(server, "--strategy", "zero-shot", "--prompt-template",
                            str(template))
    assert code == 1
    assert err == (f"txcat: error: {template}: the prompt template is not UTF-8 text "
                   "(byte 0xf3 at position 2); save it as UTF-8\n")
    assert server.count == 0


@pytest.mark.parametrize("name", ["zero-shot", "few-shot"])
def test_prompt_strategies_keep_concurrency_requests_in_flight(server: LLMServer,
                                                               name: str) -> None:
    """A statement of many batches is not labeled one request at a time: ``concurrency``
    (default 4) requests go out at once."""
    server.behaviour.delay = 0.5
    txs = [Transaction(description=f"Compra no débito - {merchant}", amount=-10.0)
           for merchant in ("Padaria Sol", "Posto Shell", "Bar do Alemão", "Mercado Bom",
                            "Estacionamento Centro", "Cinema Center")]
    labels = [keyword_label(tx.description) for tx in txs]
    params = {"llm": "openai:fake-model", "llm_base_url": server.base_url, "batch_size": 2,
              "concurrency": 3, **({"selector": "tfidf"} if name == "few-shot" else {})}
    strategy = create_strategy(name, params).fit(txs, labels)
    proba = strategy.predict_proba(txs)
    assert [strategy.labels_[i] for i in proba.argmax(axis=1)] == labels
    assert server.count == 3 and server.recorder.most_in_flight == 3


def test_ctrl_c_stops_at_once_while_requests_are_in_flight(server: LLMServer,
                                                           tmp_path: Path) -> None:
    """Requests in flight at Ctrl-C are abandoned, not waited for (up to the timeout, 60 s,
    times the retries, against a server that hangs)."""
    server.behaviour.delay = 60
    lines = (SAMPLES / "extrato.csv").read_text(encoding="utf-8").splitlines()
    body = [line.replace(line.split(",")[2], f"id{n}", 1)
            for n, line in enumerate(lines[1:] * 15)]
    statement = tmp_path / "extrato.csv"
    statement.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")  # 3 batches
    txcat = subprocess.Popen(
        [sys.executable, "-m", "txcat", "classify", str(statement), "--strategy", "zero-shot",
         "--llm", "openai:fake-model", "--llm-base-url", server.base_url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TXCAT_CACHE_DIR": str(tmp_path)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 30
        while server.recorder.in_flight < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.recorder.in_flight == 3
        txcat.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, err = txcat.communicate(timeout=30)
        assert time.monotonic() - start < 5
    finally:
        txcat.kill()
    assert txcat.returncode == 130 and err == "txcat: interrupted\n"


@pytest.mark.parametrize("name", ["few-shot", "zero-shot"])
def test_a_batch_size_of_zero_is_refused_when_training(server: LLMServer, tmp_path: Path,
                                                       name: str) -> None:
    """It trained, then every classify with the model ended in a ValueError traceback."""
    result = CliRunner().invoke(main, ["train", str(SAMPLES / "labeled" / "c6.csv"),
                                       "--strategy", name, "--llm", "openai:fake-model",
                                       "--llm-base-url", server.base_url, "-p", "batch_size=0",
                                       "-o", str(tmp_path / "model")])
    assert result.exit_code == 1
    assert result.stderr == f"txcat: error: {name}: batch_size must be at least 1\n"
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("option", ["--llm-base-url", "--prompt-template"])
def test_zero_shot_given_llm_options_but_no_llm_says_so(server: LLMServer, option: str,
                                                        tmp_path: Path) -> None:
    """Without --llm, zero-shot compares sentence embeddings: the LLM server or template
    the user named was silently left unused."""
    template = tmp_path / "modelo.txt"
    template.write_text("Rótulos: $labels\n", encoding="utf-8")
    value = {"--llm-base-url": server.base_url, "--prompt-template": str(template)}[option]
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                       "--strategy", "zero-shot", option, value])
    assert result.exit_code == 1
    key = option[2:].replace("-", "_")
    assert result.stderr == (f"txcat: error: zero-shot: {key} is for an LLM, and none is "
                             "given: add --llm openai:MODEL (without it, zero-shot compares "
                             "sentence embeddings)\n")
    assert result.stdout == "" and server.count == 0


def test_the_llm_option_help_says_where_the_key_and_the_default_come_from() -> None:
    """The key for a --llm-base-url server is $TXCAT_LLM_API_KEY (the OpenAI key goes to
    OpenAI only), and zero-shot without --llm compares embeddings, whatever $TXCAT_LLM is."""
    for command in ("classify", "train"):
        helped = " ".join(CliRunner().invoke(main, [command, "--help"]).stdout.split())
        assert ("few-shot's default: $TXCAT_LLM. The API key comes from $OPENAI_API_KEY for "
                "OpenAI, from $TXCAT_LLM_API_KEY for any other server.") in helped


@pytest.mark.parametrize("name", ["zero-shot", "few-shot"])
def test_usage_counts_every_chunk_predicted(server: LLMServer, name: str,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """bench predicts 512 rows at a time and classify 4,096: its tokens and cost, and the
    last usage line, were those of the last chunk only."""
    from llm_server import COMPLETION_TOKENS, PROMPT_TOKENS

    caplog.set_level("INFO")
    txs = [Transaction(description=f"Compra no débito - {merchant}", amount=-10.0)
           for merchant in ("Padaria Sol", "Posto Shell", "Bar do Alemão", "Mercado Bom")]
    labels = [keyword_label(tx.description) for tx in txs]
    params = {"llm": "openai:fake-model", "llm_base_url": server.base_url, "batch_size": 2,
              "price_input_per_million": 1.0,
              **({"selector": "tfidf"} if name == "few-shot" else {})}
    strategy = create_strategy(name, params).fit(txs, labels)
    strategy.predict_proba(txs)
    strategy.predict_proba([Transaction(description="Compra no débito - Cinema Center",
                                        amount=-10.0)])
    assert server.count == 3
    assert strategy.usage_["requests"] == 3
    assert strategy.usage_["tokens"] == 3 * (PROMPT_TOKENS + COMPLETION_TOKENS)
    assert strategy.usage_["cost_usd"] == pytest.approx(3 * PROMPT_TOKENS / 1e6)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("LLM ")]
    assert lines[-1].startswith("LLM fake-model: 3 requests (0 from cache, 0 retries), 360 tokens")


def test_a_few_shot_model_trained_with_txcat_llm_keeps_that_llm(
        server: LLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model spec $TXCAT_LLM gave at training is stored: without $TXCAT_LLM, classify
    --model said to pass --llm, which it refuses with --model; with another, it silently
    asked another model."""
    monkeypatch.setenv("TXCAT_LLM", "openai:fake-model")
    result = CliRunner().invoke(main, ["train", str(SAMPLES / "labeled" / "c6.csv"),
                                       "--strategy", "few-shot", "--llm-base-url",
                                       server.base_url, "-p", "selector=tfidf",
                                       "-o", str(tmp_path / "fs")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "fs" / "txcat.json").read_text(encoding="utf-8"))
    assert manifest["params"]["llm"] == "openai:fake-model"
    for spec in (None, "openai:another-model"):
        if spec is None:
            monkeypatch.delenv("TXCAT_LLM")
        else:
            monkeypatch.setenv("TXCAT_LLM", spec)
        result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                           "--model", str(tmp_path / "fs")])
        assert result.exit_code == 0, result.output
        assert {body["model"] for body in server.bodies} == {"fake-model"}


@pytest.mark.parametrize("option", ["--no-redact", "--llm-base-url", "--prompt-template",
                                    "--llm", "--examples"])
def test_prompt_options_with_a_model_directory_are_named_in_the_refusal(
        tmp_path: Path, option: str) -> None:
    """--no-redact, --llm-base-url and --prompt-template were refused as '--llm/--examples
    choose a prompt strategy', options the user had not given."""
    values = {"--no-redact": [], "--llm-base-url": ["http://localhost:8080/v1"],
              "--prompt-template": [str(tmp_path / "t.txt")], "--llm": ["openai:m"],
              "--examples": [str(SAMPLES / "labeled" / "c6.csv")]}
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"), "--model",
                                       str(tmp_path / "model"), option, *values[option]])
    assert result.exit_code == 2
    assert (f"Error: {option} cannot change a --model: the model directory holds its "
            "strategy's settings (train it again to change them)") in result.stderr


def test_examples_lacking_a_label_are_warned_about_and_one_label_refused(
        server: LLMServer, tmp_path: Path) -> None:
    """classify --examples took the labels its file holds as the only answers, without a
    word: with no TRABALHO example every Posto row was LAZER or NECESSIDADE (the schema
    allows nothing else), with one label every row got it. train says or refuses both."""
    examples = tmp_path / "exemplos.csv"
    rows = ["03/09/2024,-10.00,a1,Compra no débito - Padaria Sol,NECESSIDADE",
            "03/09/2024,-10.00,a2,Compra no débito - Bar do Alemão,LAZER"]
    for kept, expected in ((rows, 0), (rows[:1], 1)):
        examples.write_text("\n".join(["data,valor,codigo,descricao,categoria", *kept]) + "\n",
                            encoding="utf-8")
        result = CliRunner().invoke(main, [
            "classify", str(SAMPLES / "extrato.csv"), "--llm", "openai:fake-model",
            "--llm-base-url", server.base_url, "--examples", str(examples)])
        assert result.exit_code == expected, result.output
        if expected == 0:
            assert (f"txcat: warning: TRABALHO never appears in {examples}: this model can "
                    "never answer it") in result.stderr
            # The Posto row, TRABALHO to the server, has no label it may take.
            assert ("txcat: warning: 1 row got no valid answer from the model and was "
                    "labeled REVISAR") in result.stderr
        else:
            assert result.stderr.startswith("txcat: error: only one label (NECESSIDADE)")


def test_an_examples_file_with_the_label_set_of_train_is_read_with_it(tmp_path: Path) -> None:
    """train --labels CASA,RUA -p examples_file=F read F against the default labels and
    refused CASA, saying to pass --labels, which was passed."""
    labeled = tmp_path / "rotulado.csv"
    labeled.write_text("data,valor,codigo,descricao,label\n"
                       "03/09/2024,-5.00,a1,Padaria Sol,CASA\n"
                       "04/09/2024,-9.00,a2,Pizzaria Bella,RUA\n", encoding="utf-8")
    examples = tmp_path / "exemplos.csv"
    examples.write_text("data,valor,codigo,descricao,label\n"
                        "05/09/2024,-7.00,b1,Mercado Bom,CASA\n"
                        "06/09/2024,-8.00,b2,Bar do Alemão,RUA\n", encoding="utf-8")
    result = CliRunner().invoke(main, [
        "train", str(labeled), "--strategy", "few-shot", "--llm", "openai:fake-model",
        "--labels", "CASA,RUA", "-p", f"examples_file={examples}", "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "m" / "txcat.json").read_text(encoding="utf-8"))
    assert saved["labels"] == ["CASA", "RUA"]
    # A label the set lacks is still refused, naming the set in use.
    examples.write_text("data,valor,codigo,descricao,label\n"
                        "05/09/2024,-7.00,b1,Mercado Bom,OUTRO\n", encoding="utf-8")
    result = CliRunner().invoke(main, [
        "train", str(labeled), "--strategy", "few-shot", "--llm", "openai:fake-model",
        "--labels", "CASA,RUA", "-p", f"examples_file={examples}", "-o", str(tmp_path / "n")])
    assert result.exit_code == 1
    assert "label 'OUTRO' (column 'label') is not in the label set (CASA, RUA)" \
        in result.stderr


@pytest.mark.parametrize("strategy", ["few-shot", "zero-shot"])
def test_a_base_url_without_its_scheme_is_refused_before_any_request(strategy: str) -> None:
    """'localhost:11434/v1' was tried three times before the client said it lacks
    'http://'."""
    result = CliRunner().invoke(main, [
        "classify", str(SAMPLES / "extrato.csv"), "--strategy", strategy, "--llm",
        "openai:fake-model", "--llm-base-url", "localhost:11434/v1"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (
        "txcat: error: the LLM base URL 'localhost:11434/v1' needs its scheme: "
        "http://localhost:11434/v1 (or https://)")


@pytest.mark.parametrize("strategy", ["few-shot", "zero-shot"])
def test_each_prediction_closes_its_connections(server: LLMServer, strategy: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Each predict made a client and never closed it: its sockets (up to one per batch
    in flight) stayed open until the garbage collector ran."""
    import importlib

    module = importlib.import_module(f"txcat.strategies.{strategy.replace('-', '_')}")
    made: list[Any] = []
    make = module.make_llm

    def recording(settings: Any) -> Any:
        made.append(make(settings))
        return made[-1]

    monkeypatch.setattr(module, "make_llm", recording)
    code, _, err = classify(server, "--strategy", strategy)
    assert code == 0, err
    assert made and all(backend._client is not None for backend in made)  # it asked
    assert all(backend._client.is_closed() for backend in made)
