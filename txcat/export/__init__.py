"""Fine-tuning files from labeled statements: export, check, and the same data as a Dataset.

- :func:`export_jsonl` writes ``openai-chat``, ``openai-completion``, ``alpaca`` or
  ``bedrock`` JSONL, with an optional stratified (and merchant-grouped)
  validation file, personal data masked by default.
- :func:`check_jsonl` validates such a file line by line as the services do and
  estimates its training tokens and cost.
- :func:`to_dataset` gives the same records as a Hugging Face ``Dataset``.

The library never prints; the CLI renders the returned summaries.
"""

from __future__ import annotations

from txcat.export.check import (
    DEFAULT_MAX_TOKENS,
    HARD_MINIMUM,
    RECOMMENDED_MINIMUM,
    CheckReport,
    LineProblem,
    check_jsonl,
)
from txcat.export.dataset import to_dataset
from txcat.export.errors import ExportError
from txcat.export.formats import (
    COMPLETION_STOP,
    FORMATS,
    PROMPT_SEPARATOR,
    to_record,
    to_records,
)
from txcat.export.prompts import ROW_HEADER, SYSTEM_PROMPT, redact, row_text, system_prompt
from txcat.export.split import validation_split
from txcat.export.writer import export_jsonl

__all__ = [
    "COMPLETION_STOP",
    "DEFAULT_MAX_TOKENS",
    "FORMATS",
    "HARD_MINIMUM",
    "PROMPT_SEPARATOR",
    "RECOMMENDED_MINIMUM",
    "ROW_HEADER",
    "SYSTEM_PROMPT",
    "CheckReport",
    "ExportError",
    "LineProblem",
    "check_jsonl",
    "export_jsonl",
    "redact",
    "row_text",
    "system_prompt",
    "to_dataset",
    "to_record",
    "to_records",
    "validation_split",
]
