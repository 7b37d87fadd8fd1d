"""One labeled transaction -> one training record, in each service's layout.

Every format carries the same three things (instructions, the row, the label),
so a model tuned through any service is asked the same question:

- ``openai-chat``: ``{"messages": [system, user, assistant]}``, OpenAI's chat
  fine-tuning format; the user turn is the row, the assistant turn the label.
- ``openai-completion``: ``{"prompt", "completion"}``, OpenAI's legacy format
  (babbage-002, davinci-002). Its guide asks for a fixed separator ending each
  prompt and a completion starting with a space and ending with a stop sequence,
  so the same separator and stop must be used when the model is called.
- ``alpaca``: ``{"instruction", "input", "output"}``, the Stanford Alpaca layout
  most open-source tuning scripts (LLaMA-Factory, axolotl) read.
- ``bedrock``: ``{"prompt", "completion"}``, what Amazon Bedrock customization
  jobs accept for its non-conversational text models (Titan Text, Cohere
  Command); no separator or stop sequence is needed there. (Bedrock's
  conversational models use another schema, not produced here.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from txcat.export.errors import ExportError
from txcat.export.prompts import row_text, system_prompt
from txcat.labels import DEFAULT_LABELS
from txcat.transactions import Transaction

FORMATS: tuple[str, ...] = ("openai-chat", "openai-completion", "alpaca", "bedrock")

#: Ends every ``openai-completion`` prompt: tells the model the prompt is over.
PROMPT_SEPARATOR = "\n\n###\n\n"
#: Ends every ``openai-completion`` answer; pass it as ``stop`` when calling the model.
COMPLETION_STOP = "\n"


def check_format(fmt: str) -> None:
    """Raise :class:`ExportError` naming the choices when ``fmt`` is not one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def to_record(tx: Transaction, label: str, fmt: str, *, redact: bool = True,
              labels: Sequence[str] = DEFAULT_LABELS) -> dict[str, Any]:
    """The training record for one labeled transaction in format ``fmt``.

    ``redact`` masks personal identifiers in the description (see
    :func:`txcat.export.prompts.redact`); ``labels`` is the label set the
    instructions name.
    """
    check_format(fmt)
    instructions = system_prompt(labels)
    row = row_text(tx, redact_data=redact)
    if fmt == "openai-chat":
        return {"messages": [
            {"role": "system", "content": instructions},
            {"role": "user", "content": row},
            {"role": "assistant", "content": label},
        ]}
    if fmt == "openai-completion":
        return {"prompt": f"{instructions}\n\n{row}{PROMPT_SEPARATOR}",
                "completion": f" {label}{COMPLETION_STOP}"}
    if fmt == "alpaca":
        return {"instruction": instructions, "input": row, "output": label}
    return {"prompt": f"{instructions}\n\n{row}", "completion": label}


def to_records(transactions: Sequence[Transaction], labels_of_rows: Sequence[str], fmt: str,
               *, redact: bool = True,
               labels: Sequence[str] = DEFAULT_LABELS) -> Iterator[dict[str, Any]]:
    """:func:`to_record` for each row, in order: the one producer files and datasets share."""
    check_format(fmt)
    for tx, label in zip(transactions, labels_of_rows, strict=True):
        yield to_record(tx, label, fmt, redact=redact, labels=labels)
