"""Fine-tuning export: records per format, the validation split, the checker, redaction."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import SAMPLES

from txcat.counterpart import counterpart
from txcat.export import (
    COMPLETION_STOP,
    FORMATS,
    PROMPT_SEPARATOR,
    SYSTEM_PROMPT,
    ExportError,
    LineProblem,
    check_jsonl,
    export_jsonl,
    redact,
    row_text,
    to_dataset,
    to_record,
    validation_split,
)
from txcat.export import tokens as tokens_module
from txcat.training import LabeledData, read_labeled
from txcat.transactions import Transaction

Change = Callable[[str], str]
C6 = SAMPLES / "labeled" / "c6.csv"
FIRST_ROW = ("data,código,valor,tipo\n"
             "01/09/2024,1,-10.00,Pix enviado para MERCEARIA TRIANGULO LTDA - "
             "MERCEARIA TRIANGULO LTDA")


@pytest.fixture(scope="module")
def c6() -> LabeledData:
    return read_labeled([C6])


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def first_record(path: Path) -> dict[str, Any]:
    return json.loads(lines_of(path)[0])


# ---- prompts -------------------------------------------------------------------------------

def test_system_prompt_names_each_label_with_its_meaning() -> None:
    for label in ("LAZER", "NECESSIDADE", "TRABALHO"):
        assert f"\n{label}: " in SYSTEM_PROMPT
    assert "data,código,valor,tipo" in SYSTEM_PROMPT


def test_row_text_is_the_origin_csv_row_quoted_when_needed() -> None:
    tx = Transaction(description='Compra no débito - Mercado, "Econômico"', amount=-30.5,
                     date=dt.date(2024, 9, 3), id="d5g489fc")
    assert row_text(tx) == ('data,código,valor,tipo\n'
                            '03/09/2024,d5g489fc,-30.50,"Compra no débito - Mercado, '
                            '""Econômico"""')
    unknown = Transaction(description="Posto XYZ", id="7")
    assert row_text(unknown) == "data,código,valor,tipo\n,7,,Posto XYZ"


# ---- records -------------------------------------------------------------------------------

def test_openai_chat_first_record(c6: LabeledData, tmp_path: Path) -> None:
    export_jsonl(c6, "openai-chat", tmp_path / "t.jsonl")
    assert first_record(tmp_path / "t.jsonl") == {"messages": [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": FIRST_ROW},
        {"role": "assistant", "content": "NECESSIDADE"},
    ]}


def test_openai_completion_first_record(c6: LabeledData, tmp_path: Path) -> None:
    export_jsonl(c6, "openai-completion", tmp_path / "t.jsonl")
    assert first_record(tmp_path / "t.jsonl") == {
        "prompt": f"{SYSTEM_PROMPT}\n\n{FIRST_ROW}{PROMPT_SEPARATOR}",
        "completion": f" NECESSIDADE{COMPLETION_STOP}",
    }


def test_alpaca_first_record(c6: LabeledData, tmp_path: Path) -> None:
    export_jsonl(c6, "alpaca", tmp_path / "t.jsonl")
    assert first_record(tmp_path / "t.jsonl") == {
        "instruction": SYSTEM_PROMPT, "input": FIRST_ROW, "output": "NECESSIDADE"}


def test_bedrock_first_record(c6: LabeledData, tmp_path: Path) -> None:
    export_jsonl(c6, "bedrock", tmp_path / "t.jsonl")
    assert first_record(tmp_path / "t.jsonl") == {
        "prompt": f"{SYSTEM_PROMPT}\n\n{FIRST_ROW}", "completion": "NECESSIDADE"}


def test_unknown_format_is_refused(c6: LabeledData, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown format 'gemini'; choose from openai-chat"):
        export_jsonl(c6, "gemini", tmp_path / "t.jsonl")
    with pytest.raises(ExportError, match="unknown format"):
        to_record(c6.transactions[0], "LAZER", "gemini")
    assert not (tmp_path / "t.jsonl").exists()


# ---- split ---------------------------------------------------------------------------------

def shares(labels: list[str]) -> dict[str, float]:
    counts = Counter(labels)
    return {label: 100 * count / len(labels) for label, count in counts.items()}


def test_split_sizes_and_label_shares(c6: LabeledData) -> None:
    train, validation = validation_split(c6.labels, size=0.1, seed=0)
    assert (len(train), len(validation)) == (504, 56)
    assert sorted(train + validation) == list(range(560))
    whole = shares(c6.labels)
    for side in (train, validation):
        side_shares = shares([c6.labels[i] for i in side])
        for label, share in whole.items():
            assert abs(side_shares[label] - share) <= 2.0, (label, side_shares, whole)
    assert validation_split(c6.labels, size=0.1, seed=0) == (train, validation)
    assert validation_split(c6.labels, size=0.1, seed=1) != (train, validation)


def test_split_by_merchant_keeps_each_counterpart_on_one_side(c6: LabeledData) -> None:
    groups = [counterpart(tx.description) for tx in c6.transactions]
    train, validation = validation_split(c6.labels, groups, size=0.1, seed=0)
    assert sorted(train + validation) == list(range(560))
    assert not {groups[i] for i in train} & {groups[i] for i in validation}
    assert 45 <= len(validation) <= 67  # about 10%: whole merchants only
    whole = shares(c6.labels)
    side_shares = shares([c6.labels[i] for i in validation])
    for label, share in whole.items():
        assert abs(side_shares[label] - share) <= 2.0, (label, side_shares, whole)


def test_export_with_merchant_grouped_validation_file(c6: LabeledData, tmp_path: Path) -> None:
    train_path, validation_path = tmp_path / "train.jsonl", tmp_path / "validation.jsonl"
    summary = export_jsonl(c6, "alpaca", train_path, validation_out=validation_path,
                           group_by_merchant=True)
    train_file, validation_file = summary["files"]
    assert train_file["role"] == "train" and validation_file["role"] == "validation"
    assert len(lines_of(train_path)) == train_file["examples"]
    assert len(lines_of(validation_path)) == validation_file["examples"]
    assert train_file["examples"] + validation_file["examples"] == 560
    assert sum(validation_file["labels"].values()) == validation_file["examples"]
    by_row = {row_text(tx): counterpart(tx.description) for tx in c6.transactions}
    seen = [{by_row[json.loads(line)["input"]] for line in lines_of(path)}
            for path in (train_path, validation_path)]
    assert not seen[0] & seen[1]


def test_split_refuses_what_cannot_be_stratified(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="label TRABALHO has only 1 row"):
        validation_split(["LAZER"] * 10 + ["TRABALHO"], size=0.2)
    with pytest.raises(ExportError, match="between 0 and 1"):
        validation_split(["LAZER", "TRABALHO"] * 10, size=1.5)
    with pytest.raises(ExportError, match="cannot hold every one of the 2 labels"):
        validation_split(["LAZER", "TRABALHO"] * 10, size=0.01)


def test_validation_file_must_differ_from_training_file(c6: LabeledData,
                                                        tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is the training file"):
        export_jsonl(c6, "alpaca", tmp_path / "t.jsonl", validation_out=tmp_path / "t.jsonl")


# ---- export then check ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_check_passes(fmt: str, c6: LabeledData, tmp_path: Path) -> None:
    train_path, validation_path = tmp_path / "train.jsonl", tmp_path / "validation.jsonl"
    summary = export_jsonl(c6, fmt, train_path, validation_out=validation_path)
    train = check_jsonl(train_path, fmt)
    assert train.errors == [] and train.warnings == [] and train.ok
    assert train.examples == summary["files"][0]["examples"] == 504
    assert train.label_counts == summary["files"][0]["labels"]
    assert 0 < train.tokens_max <= train.tokens_total
    validation = check_jsonl(validation_path, fmt)
    assert validation.errors == [] and validation.examples == 56
    assert validation.warnings == ["56 examples; at least 100 are recommended for a useful "
                                   "fine-tune"]


# ---- corruptions, each named by its line -----------------------------------------------------

def corrupt(tmp_path: Path, fmt: str, line: int, change: Change) -> Path:
    """An exported file of 20 rows whose ``line`` (1-based) was changed by ``change(text)``."""
    data = read_labeled([C6])
    data = LabeledData(data.transactions[:20], data.labels[:20])
    path = tmp_path / f"{fmt}.jsonl"
    export_jsonl(data, fmt, path)
    lines = lines_of(path)
    lines[line - 1] = change(lines[line - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def edit(update: Callable[[dict[str, Any]], object]) -> Change:
    """A line change that edits the parsed record in place."""
    def change(text: str) -> str:
        record = json.loads(text)
        update(record)
        return json.dumps(record, ensure_ascii=False)
    return change


CORRUPTIONS = [
    ("openai-chat", 3, lambda t: '{"messages": [}', "invalid JSON: Expecting value at column 15"),
    ("openai-chat", 5, edit(lambda r: r["messages"][2].pop("role")), "message 3 has no 'role'"),
    ("openai-chat", 6, edit(lambda r: r["messages"].pop()),
     "the last message must be from the assistant, not 'user'"),
    ("openai-chat", 7, edit(lambda r: r["messages"][1].update(content="  ")),
     "message 2 (user) has empty content"),
    ("openai-chat", 8, edit(lambda r: r["messages"][2].update(content="LAZERR")),
     "answer 'LAZERR' is not a label (LAZER, NECESSIDADE, TRABALHO)"),
    ("openai-chat", 9, edit(lambda r: r["messages"][0].update(role="bot")),
     "message 1 has role 'bot'; roles are system, user, assistant"),
    ("openai-chat", 10, lambda t: "", "blank line; the services reject empty lines"),
    ("openai-chat", 11, edit(lambda r: r.pop("messages")), "missing key 'messages'"),
    ("openai-completion", 12, edit(lambda r: r.pop("prompt")), "missing key 'prompt'"),
    ("openai-completion", 2, edit(lambda r: r.update(completion=" FERIAS\n")),
     "answer 'FERIAS' is not a label (LAZER, NECESSIDADE, TRABALHO)"),
    ("bedrock", 13, edit(lambda r: r.update(prompt="")), "'prompt' is empty"),
    ("bedrock", 14, edit(lambda r: r.update(completion=3)), "'completion' must be a string, "
                                                             "not a number"),
    ("alpaca", 15, edit(lambda r: r.pop("output")), "missing key 'output'"),
    ("alpaca", 16, edit(lambda r: r.update(instruction="")), "'instruction' is empty"),
    ("alpaca", 17, lambda t: "[1, 2]", "a JSON object is needed, not a list"),
]


@pytest.mark.parametrize(("fmt", "line", "change", "message"), CORRUPTIONS,
                         ids=[f"{c[0]}-line{c[1]}" for c in CORRUPTIONS])
def test_each_corruption_is_reported_with_its_line(tmp_path: Path, fmt: str, line: int,
                                                   change: Change, message: str) -> None:
    report = check_jsonl(corrupt(tmp_path, fmt, line, change), fmt)
    assert [str(p) for p in report.errors] == [f"line {line}: {message}"]
    assert not report.ok


def test_alpaca_input_may_be_empty(tmp_path: Path) -> None:
    report = check_jsonl(corrupt(tmp_path, "alpaca", 4, edit(lambda r: r.update(input=""))),
                         "alpaca")
    assert report.errors == []


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = corrupt(tmp_path, "bedrock", 1, lambda t: t)
    data = path.read_bytes().split(b"\n")
    data[3] = data[3].replace("débito".encode(), "d\xe9bito".encode("cp1252"))
    path.write_bytes(b"\n".join(data))
    report = check_jsonl(path, "bedrock")
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("line 4: not valid UTF-8 (byte 0xe9 at column ")


def test_byte_order_mark_is_an_error(tmp_path: Path) -> None:
    path = corrupt(tmp_path, "alpaca", 1, lambda t: "\ufeff" + t)
    assert [str(p) for p in check_jsonl(path, "alpaca").errors] == [
        "line 1: starts with a UTF-8 byte-order mark (BOM); save as UTF-8 without BOM"]


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    path = corrupt(tmp_path, "openai-chat", 2, lambda t: "{")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n")  # a blank line 21
    report = check_jsonl(path, "openai-chat")
    assert [p.line for p in report.errors] == [2, 21]
    assert report.examples == 20


def test_unknown_key_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = corrupt(tmp_path, "bedrock", 3, edit(lambda r: r.update(id="x")))
    report = check_jsonl(path, "bedrock")
    assert report.errors == []
    assert "unknown key 'id' (line 3); the service may ignore or reject it" in report.warnings


def test_a_label_set_of_ones_own(tmp_path: Path) -> None:
    path = corrupt(tmp_path, "alpaca", 1, lambda t: t)
    report = check_jsonl(path, "alpaca", labels=["LAZER", "NECESSIDADE", "TRABALHO", "OUTRO"])
    assert report.errors == []
    assert report.label_counts["OUTRO"] == 0
    assert "no example answers OUTRO; the model will not learn to give that answer" \
        in report.warnings


# ---- example counts, tokens, cost ----------------------------------------------------------

ANSWERS = ("LAZER", "TRABALHO", "NECESSIDADE")  # estimated 2, 2 and 3 tokens


def alpaca_file(path: Path, n: int) -> Path:
    """``n`` examples answering the three labels in turn; 8 + 0 + len(label) characters."""
    records = [{"instruction": "abcdefgh", "input": "", "output": ANSWERS[i % 3]}
               for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def estimated_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count as if tiktoken were not installed, whether it is or not."""
    monkeypatch.setattr(tokens_module, "_load_encoding", lambda: None)


def test_fewer_than_100_examples_warn(tmp_path: Path) -> None:
    report = check_jsonl(alpaca_file(tmp_path / "a.jsonl", 99), "alpaca")
    assert report.ok and report.warnings == [
        "99 examples; at least 100 are recommended for a useful fine-tune"]
    assert check_jsonl(alpaca_file(tmp_path / "b.jsonl", 100), "alpaca").warnings == []


def test_fewer_than_10_examples_fail(tmp_path: Path) -> None:
    report = check_jsonl(alpaca_file(tmp_path / "a.jsonl", 9), "alpaca")
    assert report.errors == [LineProblem(None, "9 examples; alpaca fine-tuning needs at "
                                               "least 10")]
    assert str(report.errors[0]) == "9 examples; alpaca fine-tuning needs at least 10"
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert [p.message for p in check_jsonl(empty, "bedrock").errors] == [
        "0 examples; bedrock fine-tuning needs at least 10"]


def test_token_estimate_and_cost(tmp_path: Path, estimated_tokens: None) -> None:
    report = check_jsonl(alpaca_file(tmp_path / "a.jsonl", 120), "alpaca",
                         price_per_million=25.0, epochs=4)
    # 'abcdefgh' is 2 tokens, '' 0, and the answers 2, 2, 3: 40 examples of each.
    assert report.tokens_estimated
    assert report.tokens_max == 2 + 3
    assert report.tokens_total == 40 * (4 + 4 + 5) == 520
    assert report.training_tokens == 520 * 4
    assert report.estimated_cost == pytest.approx(520 * 4 * 25.0 / 1e6)
    assert check_jsonl(tmp_path / "a.jsonl", "alpaca").estimated_cost is None


def test_chat_token_estimate_counts_message_overhead(tmp_path: Path,
                                                     estimated_tokens: None) -> None:
    record = {"messages": [{"role": "user", "content": "x" * 9},  # 3 tokens
                           {"role": "assistant", "content": "TRABALHO"}]}  # 2 tokens
    path = tmp_path / "chat.jsonl"
    path.write_text((json.dumps(record) + "\n") * 10, encoding="utf-8")
    report = check_jsonl(path, "openai-chat", price_per_million=3.0)
    per_example = 3 + (4 + 3) + (4 + 2)
    assert report.tokens_max == per_example
    assert report.estimated_cost == pytest.approx(10 * per_example * 3 * 3.0 / 1e6)


def test_estimate_is_ceil_of_a_quarter_of_the_characters(estimated_tokens: None) -> None:
    assert tokens_module.count_text("") == 0
    assert tokens_module.count_text("abcde") == math.ceil(5 / 4)
    assert not tokens_module.is_exact()


def test_a_file_that_cannot_be_opened_raises(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"missing\.jsonl: cannot open: No such file"):
        check_jsonl(tmp_path / "missing.jsonl", "alpaca")
    with pytest.raises(ExportError, match="unknown format"):
        check_jsonl(tmp_path / "missing.jsonl", "csv")


# ---- redaction -----------------------------------------------------------------------------

PERSONAL = [
    ("Pix enviado - JOAO SILVA - 123.456.789-00", "123.456.789-00", "[CPF]"),
    ("Pix recebido - MARIA - ***.456.789-** - BCO C6 S.A. (0336)", "***.456.789-**", "[CPF]"),
    ("Transferência enviada pelo Pix - MERCADINHO ESTRELA - 11.111.222/0001-33",
     "11.111.222/0001-33", "[CNPJ]"),
    ("TED - BANCO ABC (1234) Agência: 1234 Conta: 56789-0", "56789-0", "Conta: [CONTA]"),
    ("Pix enviado - LOJA DE DOCES - contato@docesdaana.com.br", "docesdaana", "[EMAIL]"),
    ("Pix enviado - DIARISTA (11) 98765-4321", "98765-4321", "[TELEFONE]"),
    ("Compra cartão 4111 1111 1111 1111 - RESTAURANTE", "4111", "[CARTAO]"),
]


@pytest.mark.parametrize(("text", "secret", "tag"), PERSONAL)
def test_redact_masks_personal_identifiers(text: str, secret: str, tag: str) -> None:
    masked = redact(text)
    assert secret not in masked and tag in masked


# Forms a user's statements use that the first patterns let through (found by a helper
# trying realistic Brazilian descriptions against the wire and the export).
LEAKS = [
    ("PIX ENVIADO CPF 123456789-09 PADARIA PAO QUENTE", "123456789", "[CPF]"),
    ("CPF 123 456 789 09 JOAO", "456 789", "[CPF]"),
    ("CPF 123456789 09 JOAO", "123456789", "[CPF]"),
    ("CPF 123.456.789.09 JOAO", "456.789", "[CPF]"),
    ("CPF: 123.456.78909", "456.789", "[CPF]"),
    ("PIX MARIA XXX456789XX", "456789", "[CPF]"),
    ("PIX MARIA ***456789**", "456789", "[CPF]"),
    ("PIX123.456.789-09 JOAO", "456.789", "[CPF]"),
    ("TED Ag/Conta 1234/56789-0 CARLOS", "56789", "[CONTA]"),
    ("TED AG 1234/56789-0 CARLOS", "56789", "[CONTA]"),
    ("TED AGÊNCIA Nº 1234 CONTA Nº 12345-6", "12345-6", "[CONTA]"),
    ("TED AGÊNCIA Nº 1234 CONTA Nº 12345-6", "1234 ", "[AGENCIA]"),
    ("Conta nº 12345-6 PEDRO", "12345", "[CONTA]"),
    ("Conta n. 12345-6 PEDRO", "12345", "[CONTA]"),
    ("Conta Pagamento 1234567-8 PEDRO", "1234567", "[CONTA]"),
    ("Conta de pagamento: 1234567-8", "1234567", "[CONTA]"),
    ("Conta digital 12345678-9", "12345678", "[CONTA]"),
    ("Conta Poupança 12345-6", "12345", "[CONTA]"),
    ("Conta-corrente 12345-6", "12345", "[CONTA]"),
    ("BCO 341 AG 1234 CTA 12345-6", "12345", "[CONTA]"),
    ("TED C.C. 12345-6 ANA", "12345", "[CONTA]"),
    ("TED 341.1234.12345-6 JOAO SILVA", "12345-6", "[CONTA]"),
    ("Transferencia para 237 1234 12345-6 JOAO", "12345-6", "[CONTA]"),
    ("DOC 001 1234 123456-7", "123456-7", "[CONTA]"),
    ("PIX TEL 11 9 1234 5678 ANA", "1234 5678", "[TELEFONE]"),
    ("PIX TEL (11)91234.5678 ANA", "1234.5678", "[TELEFONE]"),
    ("PIX TEL 912345678 ANA", "912345678", "[TELEFONE]"),
    ("PIX +55 (11) 9 1234-5678 ANA", "(11) 9", "[TELEFONE]"),
    ("PIX +55 11 9 1234-5678 ANA", "11 9", "[TELEFONE]"),
    ("CARTAO 4111.1111.1111.1111 LOJA X", "4111", "[CARTAO]"),
    ("PIX ENVIADO JOAO.SILVA@GMAIL", "SILVA@GMAIL", "[EMAIL]"),
    ("PIX joao_silva@gmail", "silva@gmail", "[EMAIL]"),
    ("CNPJ 12345678/0001-90 MERCADO BOM", "0001", "[CNPJ]"),
    ("CNPJ 12.345.678 0001-90 MERCADO BOM", "0001", "[CNPJ]"),
    ("CNPJ 12.345.678/0001 90 MERCADO BOM", "0001", "[CNPJ]"),
    ("PIX CHAVE 7d8f6a2b-4c1e-4f3a-9b8d-1a2b3c4d5e6f MARIA", "4c1e", "[CHAVE]"),
    ("PIX 123e4567-e89b-12d3-a456-426614174000", "e89b", "[CHAVE]"),
    ("PIX ENVIADO RG 12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIS 123.45678.90-1 JOSE", "45678", "[DOCUMENTO]"),
    # A second helper's finds (2026-11-22).
    ("PIX JOAO TEL 1191234-5678", "1234-5678", "[TELEFONE]"),
    ("PIX JOAO TEL 11.91234.5678", "1234.5678", "[TELEFONE]"),
    ("PIX JOAO TEL 011 91234 5678", "1234 5678", "[TELEFONE]"),
    ("PIX JOAO CEL 91234 5678", "1234 5678", "[TELEFONE]"),
    ("PIX JOAO TEL 1134567890", "4567890", "[TELEFONE]"),
    ("PIX ENVIADO JOAO CPF 123.456.789 - 00", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF 123 . 456 . 789 - 00", "456 . 789", "[CPF]"),
    ("joao@x.com", "joao@", "[EMAIL]"),
    ("PIX RECEBIDO j@x.co", "j@x", "[EMAIL]"),
    ("PIX JOAO TEL 11.3456.7890", "3456.7890", "[TELEFONE]"),
    ("PIX JOAO TEL 113456-7890", "3456-7890", "[TELEFONE]"),
    ("PIX JOAO FONE: 1134567890", "4567890", "[TELEFONE]"),
    ("PIX joao@123.com", "joao@", "[EMAIL]"),
    # The LLM helper's finds: 'CTA' and 'C/' with the account's kind after them.
    ("TED CTA CORRENTE 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CTA. POUPANCA 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CTA.CORRENTE 12345-6 ANA", "12345", "[CONTA]"),
    ("TED C/CORRENTE 12345-6 ANA", "12345", "[CONTA]"),
    ("TED C. CORRENTE 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CONTA POUP 12345-6 ANA", "12345", "[CONTA]"),
    # An RG written with its state first, as Minas Gerais and others print it.
    ("PIX ENVIADO RG MG-12.345.678 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG: SP 12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG MG12345678 JOSE", "12345678", "[DOCUMENTO]"),
    # A CPF or CNPJ cut short by a fixed-width column, after its label word.
    ("PIX ENVIADO JOAO CPF: 123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF 123.456.78", "456.78", "[CPF]"),
    ("BOLETO MERCADO BOM CNPJ 12.345.678/0001-9", "345.678", "[CNPJ]"),
    # A reviewer's finds (2026-11-22): a bank's masked CPF cut short, with its word or
    # without; a CPF cut to 7 digits after its word.
    ("PIX RECEBIDO MARIA CPF ***.456.789-0", "456.789", "[CPF]"),
    ("Pix recebido - MARIA - ***.456.789-0 - BCO C6 S.A. (0336)", "456.789", "[CPF]"),
    ("PIX RECEBIDO MARIA CPF •••.456.789", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF 123.456.7", "456.7", "[CPF]"),
    ("PIX ENVIADO JOAO CPF 1234567", "1234567", "[CPF]"),
    # A hyphen right after the word.
    ("PIX ENVIADO JOAO CPF-123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF - 123.456.789-0", "456.789", "[CPF]"),
    ("BOLETO MERCADO BOM CNPJ-12.345.678/0001-9", "345.678", "[CNPJ]"),
    ("PIX ENVIADO RG-SP 12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG-12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO PIS-123.45678.90-1 JOSE", "45678", "[DOCUMENTO]"),
    # The RG's issuing agency before its number, with its state or without.
    ("PIX ENVIADO RG SSP-MG 12.345.678 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG SSP/SP 12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG SSPSP 12345678 JOSE", "12345678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG SSP 12.345.678 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG: DETRAN-RJ 12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("PIX ENVIADO RG SESP PR 1.234.567-8 JOSE", "234.567", "[DOCUMENTO]"),
    # Number words between the label and the number: 'N', 'NR', 'N.', 'NRO', 'NUM' ...
    ("PIX ENVIADO JOAO CPF N 123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF NR 123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF N. 123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF NR. 1234567", "1234567", "[CPF]"),
    ("PIX ENVIADO JOAO CPF N.º 123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF NUM: 123.456.789-0", "456.789", "[CPF]"),
    ("PIX ENVIADO JOAO CPF NÚMERO 123.456.789-0", "456.789", "[CPF]"),
    ("BOLETO CNPJ NRO 12.345.678/0001-9", "345.678", "[CNPJ]"),
    ("PIX ENVIADO RG N 12.345.678-9 JOSE", "345.678", "[DOCUMENTO]"),
    ("TED AG NR 1234 CTA NR 12345-6 ANA", "12345", "[CONTA]"),
    ("TED AG NR 1234 CTA NR 12345-6 ANA", "1234 ", "[AGENCIA]"),
    ("TED CONTA N 12345-6 ANA", "12345", "[CONTA]"),
    # Account kinds abbreviated, and 'C/C.'.
    ("TED CTA SAL 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CTA DIG 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CONTA PGTO 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CONTA PAGTO: 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CONTA CORR 12345-6 ANA", "12345", "[CONTA]"),
    ("TED CTA CORR. 12345-6 ANA", "12345", "[CONTA]"),
    ("TED C.CORR 12345-6 ANA", "12345", "[CONTA]"),
    ("TED C/C. 12345 ANA", "12345", "[CONTA]"),
    # An account shaped like a year is still masked with its check digit or a colon.
    ("TED CTA 2024-5 ANA", "2024", "[CONTA]"),
    ("TED CONTA: 2024 ANA", "2024", "[CONTA]"),
    ("TED C/C 19876 ANA", "19876", "[CONTA]"),
    # A hyphen after an account or agency word, a colon after an RG's agency.
    ("TED CTA-12345-6 ANA", "12345", "[CONTA]"),
    ("TED CONTA - 12345 ANA", "12345", "[CONTA]"),
    ("TED AG-1234 CTA-12345-6 ANA", "1234 ", "[AGENCIA]"),
    ("PIX ENVIADO RG SSP-MG: 12.345.678 JOSE", "345.678", "[DOCUMENTO]"),
]


@pytest.mark.parametrize(("text", "secret", "tag"), LEAKS)
def test_redact_masks_the_other_ways_identifiers_are_written(text: str, secret: str,
                                                             tag: str) -> None:
    masked = redact(text)
    assert secret not in masked and tag in masked, masked


def test_a_long_run_of_word_characters_is_redacted_whole() -> None:
    """The e-mail pattern starts only where a run of name characters starts: retried at
    every position of a long run it took time quadratic in the description (14 s for
    64,000 characters; ``benchmarks/redaction_benchmark.py`` prints the time now)."""
    assert redact("x" * 5_000 + "@gmail.com tail") == "[EMAIL] tail"
    assert redact("PIX " + "a." * 2_000 + "b@x.com") == "PIX [EMAIL]"


@pytest.mark.parametrize("word", ["CPF", "CNPJ", "RG", "AG"])
def test_a_label_word_before_a_long_run_of_spaces_is_redacted_in_linear_time(
        word: str) -> None:
    """Two runs of spaces in a row after the label word ('CPF  : ') were tried in every
    split of the run: 20,000 spaces took seconds, 100,000 minutes."""
    text = f"PIX {word}" + " " * 20_000 + "JOAO"
    start = time.perf_counter()
    assert redact(text) == text
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(("text", "kept"), [
    ("IPVA 2023-2024 DETRAN", "2023-2024"),
    ("Boleto - ACADEMIA 2024-2025 PLANO ANUAL", "2024-2025"),
    ("Compra no débito - CC 2 IRMAOS LANCHES", "CC 2 IRMAOS"),
    ("Compra no débito - CONTA 10 BAR E RESTAURANTE", "CONTA 10 BAR"),
    ("Compra no crédito - AGENCIA 123MILHAS", "123MILHAS"),
    ("PAG*AG 10 PRODUCOES", "AG 10 PRODUCOES"),
    ("PIX JOAO SILVA - BCO DO BRASIL S.A. (0001)", "(0001)"),
    ("PAGAMENTO 31.12.2024 1234 LOJA", "31.12.2024 1234"),
    ("PEDIDO 123456-7890 LOJA", "123456-7890"),
    ("NF 000123-4567 LOJA", "000123-4567"),
    ("CAFE@1 LANCHONETE", "CAFE@1"),
    # A cut CPF or CNPJ is masked, not the date and amount after it.
    ("PIX JOAO CPF: 123.456.789-0 15/03 1.234,56", "15/03 1.234,56"),
    ("BOLETO CNPJ 12.345.678/0001-9 2024 10 PARC", "2024 10 PARC"),
    ("PIX JOAO CPF: 123.456.7 15/03 1.234,56", "15/03 1.234,56"),
    ("PIX MARIA CPF ***.456.789-0 15/03 1.234,56", "15/03 1.234,56"),
    ("PIX JOAO CPF 123456 LOJA 1234", "LOJA 1234"),
    ("COMPRA RG MOTOS 123456", "MOTOS 123456"),
    ("Compra no débito - CONTA NOVA 10 BAR", "CONTA NOVA 10 BAR"),
    ("PAG*AG NORTE 1234 PRODUCOES", "NORTE 1234"),
    ("COMPRA ACTAR 1234 LTDA", "ACTAR 1234"),
    ("TARIFA CTA SALDO DIG 12/2024", "CTA SALDO DIG 12/2024"),
    ("C/CORREIOS 12345 SEDEX", "C/CORREIOS 12345"),
    # A year after an account word, with no check digit, is a year: 'C.' is also short
    # for 'com', and 'CONTA' for a bill.
    ("C. PAGAMENTO 2024 ACADEMIA", "C. PAGAMENTO 2024 ACADEMIA"),
    ("PAGTO CONTA 2024 IPTU", "CONTA 2024 IPTU"),
    ("Compra no débito - CONTA-10 BAR", "CONTA-10 BAR"),
    ("PAG*AG-10 PRODUCOES", "AG-10 PRODUCOES"),
])
def test_redact_keeps_years_and_numbers_in_merchant_names(text: str, kept: str) -> None:
    assert kept in redact(text), redact(text)


@pytest.mark.parametrize("text", [
    "LOJA 1234", "PEDIDO 123456", "15/03/2024", "1.234,56", "NF 000123", "SALDO DIG",
    "COMPRA ACTAR 1234", "Compra no débito - PADARIA 15/03/2024 1.234,56 PEDIDO 123456",
    "SALDO DIG 1.234,56", "CTA SALDO 1.234,56", "DIG DIN 12345", "SAL E BRASA 1234",
])
def test_redact_keeps_ordinary_merchant_text_whole(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "masked"), [
    ("CORA SCD S.A. (0403) Agência: 18 Conta: 1234567-8", "Agência: [AGENCIA] Conta: [CONTA]"),
    ("NU PAGAMENTOS (0260) Agência: 1 Conta: 123-4", "Agência: [AGENCIA] Conta: [CONTA]"),
])
def test_after_a_colon_an_agency_or_account_of_any_length_is_masked(text: str,
                                                                      masked: str) -> None:
    assert redact(text).endswith(masked), redact(text)


def test_redact_keeps_what_names_the_counterpart() -> None:
    text = "Compra no débito - RENNER 1196 CURITIBA - BANCO ABC (0341) 03/09"
    assert redact(text) == text
    assert redact("TED Agência: 1234 Conta: 56789-0") == "TED Agência: [AGENCIA] Conta: [CONTA]"


def test_exported_file_is_redacted_unless_asked_not_to(tmp_path: Path) -> None:
    labeled = tmp_path / "rotulado.csv"
    labeled.write_text(
        "data,código,valor,tipo,label\n"
        "03/09/2024,a1,-22.13,Transferência enviada pelo Pix - MERCADINHO ESTRELA - "
        "11.111.222/0001-33 - BANCO ABC (1234) Agência: 5678 Conta: 101112-3,NECESSIDADE\n"
        "04/09/2024,a2,-80.00,Pix enviado - DIARISTA CPF 123.456.789-00 (11) 98765-4321,"
        "NECESSIDADE\n"
        "05/09/2024,a3,20.00,Pix recebido - LOJA DE DOCES - doces.ana@gmail.com,LAZER\n",
        encoding="utf-8")
    data = read_labeled([labeled])
    secrets = ["11.111.222/0001-33", "5678", "101112-3", "123.456.789-00", "98765-4321",
               "doces.ana@gmail.com"]
    out = tmp_path / "t.jsonl"
    summary = export_jsonl(data, "openai-chat", out)
    text = out.read_text(encoding="utf-8")
    assert summary["redacted"] and summary["redacted_rows"] == 3
    assert not [s for s in secrets if s in text]
    for tag in ("[CNPJ]", "[AGENCIA]", "[CONTA]", "[CPF]", "[TELEFONE]", "[EMAIL]"):
        assert tag in text
    assert "MERCADINHO ESTRELA" in text and "LOJA DE DOCES" in text
    summary = export_jsonl(data, "openai-chat", out, redact=False)
    text = out.read_text(encoding="utf-8")
    assert not summary["redacted"] and summary["redacted_rows"] == 0
    assert all(s in text for s in secrets)


# ---- Hugging Face Dataset ------------------------------------------------------------------

def test_dataset_holds_the_same_records(c6: LabeledData, tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    export_jsonl(c6, "openai-chat", tmp_path / "t.jsonl")
    dataset = to_dataset(c6)
    assert len(dataset) == 560
    assert dataset[0] == first_record(tmp_path / "t.jsonl")


def test_dataset_without_the_datasets_package(c6: LabeledData,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(ExportError, match="'datasets' package is not installed"):
        to_dataset(c6, "alpaca")


@pytest.mark.parametrize("size", [0.8, 0.9])
def test_a_merchant_grouped_validation_side_over_half_is_near_the_size_asked(
        c6: LabeledData, size: float) -> None:
    """Folds of 1/size rows cannot make a side over half (0.99 gave 50/50): the
    training side is then split off at 1 - size instead."""
    groups = [counterpart(tx.description) for tx in c6.transactions]
    train, validation = validation_split(c6.labels, groups, size=size, seed=0)
    assert abs(len(validation) / len(c6.labels) - size) < 0.07
    assert not {groups[i] for i in train} & {groups[i] for i in validation}


def test_a_grouped_validation_side_far_from_the_size_asked_is_named(
        c6: LabeledData, caplog: pytest.LogCaptureFixture) -> None:
    """Folds of whole merchants cannot make 40%: the share actually written is said."""
    import logging

    groups = [counterpart(tx.description) for tx in c6.transactions]
    with caplog.at_level(logging.WARNING, logger="txcat"):
        _, validation = validation_split(c6.labels, groups, size=0.4, seed=0)
    share = len(validation) / len(c6.labels)
    assert abs(share - 0.4) > 0.05
    assert (f"the merchant-grouped validation file holds {share:.0%} of the rows "
            "(--validation-size 0.4)") in caplog.text


def test_the_id_column_is_redacted_too(tmp_path: Path) -> None:
    """A layout's id column ('Nº documento') can hold a CPF or an e-mail; the LLM path
    masked it (the whole prompt is redacted), the export did not."""
    labeled = tmp_path / "rotulado.csv"
    labeled.write_text("data,código,valor,tipo,label\n"
                       "03/09/2024,12345678909,-10.00,Padaria Sol,NECESSIDADE\n"
                       "04/09/2024,joao@gmail.com,-12.00,Bar Lua,LAZER\n", encoding="utf-8")
    out = tmp_path / "t.jsonl"
    summary = export_jsonl(read_labeled([labeled]), "alpaca", out)
    text = out.read_text(encoding="utf-8")
    assert "12345678909" not in text and "joao@gmail.com" not in text
    assert "[CPF]" in text and "[EMAIL]" in text
    assert summary["redacted_rows"] == 2


@pytest.mark.parametrize(("fmt", "change", "message"), [
    ("openai-chat", edit(lambda r: r["messages"][2].update(content="LAZER ")),
     "answer 'LAZER ' has spaces around the label; write 'LAZER' exactly (a fine-tuned "
     "model learns to answer with them)"),
    ("alpaca", edit(lambda r: r.update(output=" LAZER")),
     "answer ' LAZER' has spaces around the label; write 'LAZER' exactly (a fine-tuned "
     "model learns to answer with them)"),
    ("bedrock", edit(lambda r: r.update(completion="LAZER\n")),
     "answer 'LAZER\\n' has spaces around the label; write 'LAZER' exactly (a fine-tuned "
     "model learns to answer with them)"),
    ("openai-completion", edit(lambda r: r.update(completion=" LAZER ")),
     "completion ' LAZER ' must be ' LAZER\\n': one space before the label and the stop "
     "sequence '\\n' after it, nothing else"),
    ("openai-completion", edit(lambda r: r.update(completion="LAZER\n")),
     "completion 'LAZER\\n' must be ' LAZER\\n': one space before the label and the stop "
     "sequence '\\n' after it, nothing else"),
])
def test_an_answer_padded_with_spaces_is_an_error(tmp_path: Path, fmt: str, change: Change,
                                                  message: str) -> None:
    """A fine-tuned model learns the answer character for character: 'LAZER ' teaches it
    to add the space, and its answers no longer match the label set."""
    report = check_jsonl(corrupt(tmp_path, fmt, 4, change), fmt)
    assert [str(p) for p in report.errors] == [f"line 4: {message}"]


@pytest.mark.parametrize(("written", "asked"), [
    ("bedrock", "openai-completion"),
    ("openai-completion", "bedrock"),
    ("openai-chat", "alpaca"),
    ("alpaca", "openai-chat"),
])
def test_a_file_of_another_format_is_named_first(tmp_path: Path, written: str,
                                                 asked: str) -> None:
    """bedrock and openai-completion records have the same keys: checked as the
    other, every line fails on its answer, and the report says which format the
    file looks like before those errors."""
    report = check_jsonl(corrupt(tmp_path, written, 1, lambda t: t), asked)
    assert str(report.errors[0]) == (f"the file looks like {written}, not {asked} (20 of its "
                                     f"20 lines); check it with --format {written}")
    # every line fails, and so the count: ten examples are needed
    assert {p.line for p in report.errors[1:]} == set(range(1, 21)) | {None}


def test_a_file_of_the_asked_format_is_not_said_to_look_like_another(tmp_path: Path) -> None:
    path = corrupt(tmp_path, "openai-completion", 3, edit(lambda r: r.update(completion="LAZER")))
    assert [str(p) for p in check_jsonl(path, "openai-completion").errors] == [
        "line 3: completion 'LAZER' must be ' LAZER\\n': one space before the label and the "
        "stop sequence '\\n' after it, nothing else"]


def test_an_example_over_the_token_limit_is_an_error(tmp_path: Path,
                                                     estimated_tokens: None) -> None:
    """Services reject or truncate an example longer than the model's context; the
    limit is per model, so it is an option, 4,096 tokens unless told."""
    path = alpaca_file(tmp_path / "a.jsonl", 12)
    lines = lines_of(path)
    lines[6] = json.dumps({"instruction": "x" * 16_400, "input": "", "output": "LAZER"})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check_jsonl(path, "alpaca")
    assert [str(p) for p in report.errors] == [
        "line 7: 4,102 tokens (estimated), over the limit of 4,096 per example; the service "
        "rejects or truncates it (--max-tokens sets the limit of your model)"]
    assert report.valid_examples == 11 and report.max_tokens == 4096
    assert check_jsonl(path, "alpaca", max_tokens=5000).errors == []
    with pytest.raises(ExportError, match="the token limit must be 1 or more, not 0"):
        check_jsonl(path, "alpaca", max_tokens=0)


@pytest.mark.parametrize(("text", "message"), [
    ('{"instruction": "abc', "invalid JSON: Unterminated string starting at column 17"),
    ('{"instruction": "a\tb"}', "invalid JSON: Invalid control character at column 19"),
    ("null", "a JSON object is needed, not null"),
    ('"LAZER"', "a JSON object is needed, not a string"),
    ("3", "a JSON object is needed, not a number"),
])
def test_a_line_that_is_no_json_object_says_why_in_json_terms(tmp_path: Path, text: str,
                                                              message: str) -> None:
    """A truncated last line ('... starting at at column'), and JSON's names of
    types, not Python's ('not NoneType')."""
    report = check_jsonl(corrupt(tmp_path, "alpaca", 20, lambda t: text), "alpaca")
    assert [str(p) for p in report.errors] == [f"line 20: {message}"]


@pytest.mark.parametrize(("weight", "message"), [
    (2, "message 3 weight must be 0 or 1, not 2"),
    ("1", 'message 3 weight must be 0 or 1, not "1"'),
    (True, "message 3 weight must be 0 or 1, not true"),
    (0, "the answer (message 3) has weight 0: the model is not trained on it, so the line "
        "teaches nothing"),
])
def test_a_chat_weight_is_0_or_1_and_the_answer_is_trained_on(tmp_path: Path, weight: object,
                                                              message: str) -> None:
    """OpenAI's 'weight' says whether an assistant message is trained on (0 or 1): the
    only answer at 0 is an example that counts for nothing."""
    path = corrupt(tmp_path, "openai-chat", 5, edit(lambda r: r["messages"][2].update(
        weight=weight)))
    report = check_jsonl(path, "openai-chat")
    assert [str(p) for p in report.errors] == [f"line 5: {message}"]
    ok = corrupt(tmp_path, "openai-chat", 5, edit(lambda r: r["messages"][2].update(weight=1)))
    assert check_jsonl(ok, "openai-chat").errors == []


def test_a_bedrock_answer_ending_in_a_newline_is_not_taken_for_openai_completion(
        tmp_path: Path) -> None:
    path = corrupt(tmp_path, "bedrock", 1, lambda t: t)
    lines = [edit(lambda r: r.update(completion=r["completion"] + "\n"))(t)
             for t in lines_of(path)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check_jsonl(path, "bedrock")
    assert report.errors[0].line == 1 and "has spaces around the label" in str(report.errors[0])


def test_nan_and_infinity_are_not_json(tmp_path: Path) -> None:
    """Python's json reads NaN and Infinity; JSON has no such values and a service's
    parser refuses the line."""
    line = '{"instruction": "x", "input": "", "output": "LAZER", "score": NaN}'
    report = check_jsonl(corrupt(tmp_path, "alpaca", 2, lambda t: line), "alpaca")
    assert [str(p) for p in report.errors] == [
        "line 2: invalid JSON: NaN is not a JSON value"]
