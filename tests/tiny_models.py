"""Tiny transformers models built offline from a config, for tests.

Never a download: a WordPiece vocabulary is made from the words the test data
uses, and the weights are random. Tests then show real learning on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tiny_bert(directory: Path, texts: Iterable[str], seed: int = 0) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(seed)  # the random weights are part of the test's input

    words = sorted({w for text in texts for w in text.lower().replace("|", " | ").split()})
    directory.mkdir(parents=True, exist_ok=True)
    tokens = [*SPECIAL, "|", "?", *[w for w in words if w not in ("|", "?")]]
    # transformers 5 takes the vocabulary itself (vocab_file= is ignored).
    tokenizer = BertTokenizerFast(vocab={t: i for i, t in enumerate(tokens)},
                                  do_lower_case=True)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    BertModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
