"""Validate a training JSONL file the way the fine-tuning services do, before uploading.

An upload that fails costs a round trip, and one that succeeds with a wrong label
costs a training run, so every line is checked (UTF-8, one JSON object, the
format's keys and roles, non-empty text, answers from the label set) and every
problem is reported with its line number, all at once rather than the first one
only. Tokens are counted per example to estimate the training bill.

Problems inside the file never raise: they go into the :class:`CheckReport`. Only a
file that cannot be opened raises :class:`~txcat.export.errors.ExportError`.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from txcat.export import tokens
from txcat.export.errors import ExportError
from txcat.export.formats import COMPLETION_STOP, PROMPT_SEPARATOR, check_format
from txcat.labels import DEFAULT_LABELS
from txcat.wording import counted

#: Below this many examples the services refuse the file. OpenAI's fine-tuning API
#: requires at least 10; we use 10 for every format (Bedrock's and local trainers'
#: minimums are not published as one number; 10 is the strictest we know of).
HARD_MINIMUM = 10
#: Below this many examples a warning: the services' guidance is to start from
#: 50-100 good examples and grow from there.
RECOMMENDED_MINIMUM = 100
#: Most tokens one example may have unless told. The real limit is the model's, not
#: the format's (a training example of gpt-4o or gpt-4o-mini may hold 65,536 tokens,
#: older models less), so this is a cautious default, not a service's number; a
#: txcat row with its instructions is about 250 tokens.
DEFAULT_MAX_TOKENS = 4096

_CHAT_ROLES = ("system", "user", "assistant")
_CHAT_TOP_KEYS = {"messages", "tools", "functions", "parallel_tool_calls"}
_CHAT_MESSAGE_KEYS = {"role", "content", "name", "weight"}


@dataclass(frozen=True)
class LineProblem:
    """One problem: ``line`` is 1-based, or None for the whole file (too few examples)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass
class CheckReport:
    """What :func:`check_jsonl` found. ``ok`` when there is no error; warnings do not fail."""

    path: str
    format: str
    #: Every line of the file, blank ones included (they are errors).
    lines: int = 0
    #: Non-blank lines, valid or not.
    examples: int = 0
    #: Lines with no problem: what the service can train on, and what the minimums count.
    valid_examples: int = 0
    errors: list[LineProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Tokens over the valid examples (one epoch); see ``tokens_estimated``.
    tokens_total: int = 0
    tokens_max: int = 0
    #: True when counts are ~4 characters a token because tiktoken is not available.
    tokens_estimated: bool = True
    epochs: int = 3
    #: Examples over this many tokens are errors.
    max_tokens: int = DEFAULT_MAX_TOKENS
    price_per_million: float | None = None
    #: ``tokens_total * epochs * price_per_million / 1e6``; None without a price.
    estimated_cost: float | None = None
    #: How many valid examples answer each label.
    label_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def training_tokens(self) -> int:
        """Tokens billed for training: every example's tokens once per epoch."""
        return self.tokens_total * self.epochs

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "format": self.format, "ok": self.ok,
            "lines": self.lines, "examples": self.examples, "valid_examples": self.valid_examples,
            "errors": [{"line": p.line, "message": p.message} for p in self.errors],
            "warnings": list(self.warnings),
            "tokens_total": self.tokens_total, "tokens_max": self.tokens_max,
            "tokens_estimated": self.tokens_estimated, "epochs": self.epochs,
            "training_tokens": self.training_tokens, "max_tokens": self.max_tokens,
            "price_per_million": self.price_per_million,
            "estimated_cost": self.estimated_cost, "label_counts": dict(self.label_counts),
        }


def check_jsonl(path: str | Path, fmt: str, *, labels: Sequence[str] = DEFAULT_LABELS,
                price_per_million: float | None = None, epochs: int = 3,
                max_tokens: int = DEFAULT_MAX_TOKENS,
                stream: BinaryIO | None = None) -> CheckReport:
    """Check every line of ``path`` as format ``fmt``; count tokens; estimate the cost.

    ``labels`` is the set the answers must come from, exactly: a label with spaces
    around it is an error (the model would learn to answer with them), except the
    one space before and the stop sequence after an ``openai-completion`` answer,
    which are required there. ``price_per_million`` is the service's training price per
    1M tokens; with it, ``estimated_cost`` is set. An example over ``max_tokens``
    tokens is an error: the services reject or truncate it. With ``stream`` (standard input,
    say) the lines are read from it, and ``path`` only names it in the report.
    """
    check_format(fmt)
    if epochs < 1:
        raise ExportError(f"epochs must be 1 or more, not {epochs}")
    if max_tokens < 1:
        raise ExportError(f"the token limit must be 1 or more, not {max_tokens}")
    if price_per_million is not None and price_per_million < 0:
        raise ExportError(f"the price per 1M tokens cannot be negative ({price_per_million})")
    report = CheckReport(path=str(path), format=fmt, epochs=epochs, max_tokens=max_tokens,
                         price_per_million=price_per_million,
                         tokens_estimated=not tokens.is_exact())
    allowed = tuple(labels)
    answers: Counter[str] = Counter()
    looks_like: Counter[str | None] = Counter()  # the format each record looks like
    unknown: dict[str, tuple[int, int]] = {}  # key -> (first line, lines with it)
    try:
        handle = (contextlib.nullcontext(stream) if stream is not None  # not ours to close
                  else open(path, "rb"))  # noqa: SIM115 - closed below; errors are reported
    except OSError as exc:
        raise ExportError(f"{path}: cannot open: {exc.strerror or exc}") from None
    with handle as lines:
        for number, raw in enumerate(lines, start=1):
            problems, record = _parse_line(number, raw)
            report.lines = number
            if raw.strip():
                report.examples += 1
            if record is None:
                report.errors.extend(LineProblem(number, m) for m in problems)
                continue
            looks_like[_looks_like(record)] += 1
            messages, extra, answer = _VALIDATORS[fmt](record, allowed)
            problems += messages
            for key in extra:
                first, seen = unknown.get(key, (number, 0))
                unknown[key] = (first, seen + 1)
            count = tokens.count_record(record) if not problems else 0
            if count > max_tokens:
                estimated = " (estimated)" if report.tokens_estimated else ""
                problems.append(f"{count:,} tokens{estimated}, over the limit of "
                                f"{max_tokens:,} per example; the service rejects or "
                                "truncates it (--max-tokens sets the limit of your model)")
            report.errors.extend(LineProblem(number, m) for m in problems)
            if problems:
                continue
            report.valid_examples += 1
            if answer is not None:
                answers[answer] += 1
            report.tokens_total += count
            report.tokens_max = max(report.tokens_max, count)
    if report.errors and looks_like:
        other, seen = looks_like.most_common(1)[0]
        if other is not None and other != fmt and 2 * seen > report.examples:
            report.errors.insert(0, LineProblem(None, (
                f"the file looks like {other}, not {fmt} ({seen} of its "
                f"{counted(report.lines, 'line')}); check it with --format {other}")))
    _file_level(report, fmt, allowed, answers, unknown)
    if price_per_million is not None:
        report.estimated_cost = report.training_tokens * price_per_million / 1_000_000
    return report


class _NotJson(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON has none."""


def _no_constant(name: str) -> Any:
    raise _NotJson(name)


def _parse_line(number: int, raw: bytes) -> tuple[list[str], dict[str, Any] | None]:
    """(problems, record): the JSON object on one line, or why there is none."""
    problems: list[str] = []
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        problems.append("starts with a UTF-8 byte-order mark (BOM); save as UTF-8 without BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        return [*problems, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                           f"{exc.start + 1}); save the file as UTF-8"], None
    if not text.strip():
        return [*problems, "blank line; the services reject empty lines"], None
    try:
        record = json.loads(text, parse_constant=_no_constant)
    except _NotJson as exc:
        return [*problems, f"invalid JSON: {exc} is not a JSON value"], None
    except json.JSONDecodeError as exc:
        # 'Unterminated string starting at', 'Invalid control character at': the
        # position follows
        return [*problems, f"invalid JSON: {exc.msg.removesuffix(' at')} at column "
                           f"{exc.colno}"], None
    if not isinstance(record, dict):
        return [*problems, f"a JSON object is needed, not {_json_type(record)}"], None
    return problems, record


def _looks_like(record: dict[str, Any]) -> str | None:
    """The format ``record`` was most likely written in, whatever was asked; None if none.

    ``openai-completion`` and ``bedrock`` records have the same keys; the first ends
    its prompt with :data:`PROMPT_SEPARATOR` or spaces its answer, the second does not.
    """
    if "messages" in record:
        return "openai-chat"
    if "instruction" in record and "output" in record:
        return "alpaca"
    prompt, completion = record.get("prompt"), record.get("completion")
    if not isinstance(prompt, str) or not isinstance(completion, str):
        return None
    spaced = completion[:1].isspace()  # not the stop: 'LAZER\n' is a padded bedrock answer
    return "openai-completion" if prompt.endswith(PROMPT_SEPARATOR) or spaced else "bedrock"


def _text(record: dict[str, Any], key: str, *, empty_ok: bool = False) -> str | None:
    """The problem with ``record[key]`` as a text field, or None when it is fine."""
    if key not in record:
        return f"missing key {key!r}"
    value = record[key]
    if not isinstance(value, str):
        return f"{key!r} must be a string, not {_json_type(value)}"
    if not empty_ok and not value.strip():
        return f"{key!r} is empty"
    return None


def _answer_problem(answer: str, allowed: tuple[str, ...], *,
                    spaced: bool = False) -> str | None:
    """Why ``answer`` (as written) is not a label of ``allowed``, or None.

    ``spaced``: the answer is an ``openai-completion`` one, which must be the label
    after one space and before :data:`COMPLETION_STOP`.
    """
    label = answer.strip()
    if label not in allowed:
        return f"answer {label!r} is not a label ({', '.join(allowed)})"
    expected = f" {label}{COMPLETION_STOP}" if spaced else label
    if answer == expected:
        return None
    if spaced:
        return (f"completion {answer!r} must be {expected!r}: one space before the label "
                f"and the stop sequence {COMPLETION_STOP!r} after it, nothing else")
    return (f"answer {answer!r} has spaces around the label; write {label!r} exactly "
            "(a fine-tuned model learns to answer with them)")


_Result = tuple[list[str], list[str], str | None]  # problems, unknown keys, answer


def _check_chat(record: dict[str, Any], allowed: tuple[str, ...]) -> _Result:
    problems: list[str] = []
    extra = sorted(k for k in record if k not in _CHAT_TOP_KEYS)
    messages = record.get("messages")
    if "messages" not in record:
        return ["missing key 'messages'"], extra, None
    if not isinstance(messages, list) or not messages:
        return ["'messages' must be a non-empty list of messages"], extra, None
    roles: list[str | None] = []
    for i, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            problems.append(f"message {i} is not an object")
            roles.append(None)
            continue
        extra += sorted(f"messages.{k}" for k in message if k not in _CHAT_MESSAGE_KEYS)
        role = message.get("role")
        if "role" not in message:
            problems.append(f"message {i} has no 'role'")
        elif role not in _CHAT_ROLES:
            problems.append(f"message {i} has role {role!r}; roles are "
                            f"{', '.join(_CHAT_ROLES)}")
        roles.append(role if role in _CHAT_ROLES else None)
        content = message.get("content")
        if "content" not in message:
            problems.append(f"message {i} has no 'content'")
        elif not isinstance(content, str):
            problems.append(f"message {i} content must be a string, not {_json_type(content)}")
        elif not content.strip():
            problems.append(f"message {i} ({role}) has empty content")
        weight = message.get("weight", 1)
        if type(weight) is not int or weight not in (0, 1):  # bool is no weight
            problems.append(f"message {i} weight must be 0 or 1, not {json.dumps(weight)}")
    if "user" not in roles:
        problems.append("no 'user' message")
    last = messages[-1] if isinstance(messages[-1], dict) else {}
    answer = None
    if roles[-1] is not None and roles[-1] != "assistant":
        problems.append(f"the last message must be from the assistant, not {roles[-1]!r}")
    elif roles[-1] == "assistant" and isinstance(last.get("content"), str) \
            and last["content"].strip():
        answer = last["content"].strip()
        label_problem = _answer_problem(last["content"], allowed)
        if label_problem:
            problems.append(label_problem)
        if last.get("weight") == 0 and type(last["weight"]) is int:
            problems.append(f"the answer (message {len(messages)}) has weight 0: the model is "
                            "not trained on it, so the line teaches nothing")
    return problems, extra, answer


def _check_prompt_completion(record: dict[str, Any], allowed: tuple[str, ...], *,
                             spaced: bool = False) -> _Result:
    problems = [p for p in (_text(record, "prompt"), _text(record, "completion")) if p]
    extra = sorted(k for k in record if k not in ("prompt", "completion"))
    answer = None
    if _text(record, "completion") is None:
        answer = record["completion"].strip()
        label_problem = _answer_problem(record["completion"], allowed, spaced=spaced)
        if label_problem:
            problems.append(label_problem)
    return problems, extra, answer


def _check_alpaca(record: dict[str, Any], allowed: tuple[str, ...]) -> _Result:
    checks = (_text(record, "instruction"), _text(record, "input", empty_ok=True),
              _text(record, "output"))
    problems = [p for p in checks if p]
    extra = sorted(k for k in record if k not in ("instruction", "input", "output"))
    answer = None
    if checks[2] is None:
        answer = record["output"].strip()
        label_problem = _answer_problem(record["output"], allowed)
        if label_problem:
            problems.append(label_problem)
    return problems, extra, answer


_VALIDATORS: dict[str, Callable[[dict[str, Any], tuple[str, ...]], _Result]] = {
    "openai-chat": _check_chat,
    "openai-completion": partial(_check_prompt_completion, spaced=True),
    "alpaca": _check_alpaca,
    "bedrock": _check_prompt_completion,
}


def _file_level(report: CheckReport, fmt: str, allowed: tuple[str, ...],
                answers: Counter[str], unknown: dict[str, tuple[int, int]]) -> None:
    """Whole-file findings: example count, unknown keys, labels no example answers."""
    # The services count the examples they can use, so the minimums count valid ones.
    valid = counted(report.examples, "example")
    if report.valid_examples != report.examples:
        valid = (f"{counted(report.valid_examples, 'valid example')} "
                 f"({counted(report.lines, 'line')})")
    if report.valid_examples < HARD_MINIMUM:
        report.errors.append(LineProblem(None, f"{valid}; {fmt} fine-tuning needs at least "
                                               f"{HARD_MINIMUM}"))
    elif report.valid_examples < RECOMMENDED_MINIMUM:
        report.warnings.append(f"{valid}; at least {RECOMMENDED_MINIMUM} are recommended "
                               "for a useful fine-tune")
    for key, (first, seen) in sorted(unknown.items()):
        where = f"line {first}" if seen == 1 else f"{seen} lines, first line {first}"
        report.warnings.append(f"unknown key {key!r} ({where}); the service may ignore or "
                               "reject it")
    report.label_counts = {label: answers[label] for label in allowed}
    if answers:
        missing = [label for label in allowed if not answers[label]]
        if missing:
            report.warnings.append(f"no example answers {', '.join(missing)}; the model will "
                                   "not learn to give that answer")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
