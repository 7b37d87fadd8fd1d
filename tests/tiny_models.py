"""Tiny transformers models built offline from a config, for tests.

Never a download: a WordPiece vocabulary is made from the words the test data
uses, and the weights are random. Tests then show real learning on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tiny_bert(directory: Path, texts: Iterable[str], seed: int = 0) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(seed)  # the random weights are part of the test's input

    tokens = _word_vocabulary(texts)
    directory.mkdir(parents=True, exist_ok=True)
    # transformers 5 takes the vocabulary itself (vocab_file= is ignored).
    tokenizer = BertTokenizerFast(vocab={t: i for i, t in enumerate(tokens)},
                                  do_lower_case=True)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    BertModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def _word_vocabulary(texts: Iterable[str]) -> list[str]:
    """The special tokens, then every lower-cased word of ``texts`` once."""
    words = sorted({w for text in texts for w in text.lower().replace("|", " | ").split()})
    return [*SPECIAL, "|", "?", *[w for w in words if w not in ("|", "?")]]


def build_tiny_bertimbau(directory: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A tiny BERT laid out as ``neuralmind/bert-base-portuguese-cased`` is on the Hub.

    That repository predates safetensors and fast tokenizers: ``pytorch_model.bin``
    holds BertForPreTraining weights (``bert.`` prefix, plus the masked-LM and
    next-sentence heads a classifier drops), the tokenizer is a cased ``vocab.txt``
    with ``tokenizer_config.json`` saying ``do_lower_case: false`` and no
    ``tokenizer.json``, and ``config.json`` names BertForMaskedLM and carries the
    original BERT's pooler fields, which transformers does not know.
    """
    import json

    import torch
    from transformers import BertConfig, BertForPreTraining

    torch.manual_seed(seed)
    lower = _word_vocabulary(texts)
    cased = [w.capitalize() for w in lower[len(SPECIAL):] if w.isalpha()]
    tokens = [*lower, *[w for w in cased if w not in lower]]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": False}))
    (directory / "special_tokens_map.json").write_text(json.dumps(
        {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
         "cls_token": "[CLS]", "mask_token": "[MASK]"}))
    (directory / "added_tokens.json").write_text("{}")
    config = BertConfig(vocab_size=len(tokens), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    torch.save(BertForPreTraining(config).state_dict(), directory / "pytorch_model.bin")
    fields = {key: value for key, value in config.to_dict().items()
              if key not in ("transformers_version", "dtype", "torch_dtype")}
    fields.update(architectures=["BertForMaskedLM"], directionality="bidi", output_past=True,
                  pooler_fc_size=768, pooler_num_attention_heads=12, pooler_num_fc_layers=3,
                  pooler_size_per_head=128, pooler_type="first_token_transform")
    (directory / "config.json").write_text(json.dumps(fields, indent=2))
    return directory


def build_tiny_roberta(directory: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A tiny RoBERTa (its classification head reads the first token itself) with
    the same word-level vocabulary as :func:`build_tiny_bert`."""
    import torch
    from transformers import AutoTokenizer, RobertaConfig, RobertaModel

    build_tiny_bert(directory, texts, seed)  # the tokenizer, and a BERT to replace
    torch.manual_seed(seed)
    config = RobertaConfig(vocab_size=len(AutoTokenizer.from_pretrained(directory)),
                           hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                           intermediate_size=64, max_position_embeddings=80, pad_token_id=0,
                           type_vocab_size=2)
    RobertaModel(config).save_pretrained(directory)
    return directory


def build_tiny_decoder(directory: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A 2-layer Llama with a word-level tokenizer over the words of ``texts``."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    torch.manual_seed(seed)
    specials = ["<pad>", "<unk>", "<s>", "</s>"]
    splitter = pre_tokenizers.Whitespace()
    words = sorted({w for text in texts for w, _ in splitter.pre_tokenize_str(text)})
    vocab = {t: i for i, t in enumerate([*specials, *[w for w in words if w not in specials]])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = splitter
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>",
                                        unk_token="<unk>", bos_token="<s>", eos_token="</s>")
    config = LlamaConfig(vocab_size=len(vocab), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                         max_position_embeddings=512, pad_token_id=0, bos_token_id=2,
                         eos_token_id=3, tie_word_embeddings=False)
    directory.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_tiny_gguf(path: Path, seed: int = 0) -> Path:
    """A 2-layer Llama written as one GGUF file, as llama.cpp would write it: the
    tokenizer is byte-level BPE over single characters (no merges), weights F32."""
    import numpy as np
    from gguf import GGUFWriter, TokenType
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    rng = np.random.default_rng(seed)
    tokens = [*bytes_to_unicode().values(), "<|endoftext|>", "<pad>"]
    types = [TokenType.NORMAL] * (len(tokens) - 2) + [TokenType.CONTROL] * 2
    vocab, hidden, ffn, layers, heads = len(tokens), 64, 128, 2, 4
    writer = GGUFWriter(str(path), "llama")
    writer.add_context_length(1024)
    writer.add_embedding_length(hidden)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_rope_dimension_count(hidden // heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_scores([0.0] * vocab)  # no merges: transformers derives none from these
    writer.add_bos_token_id(vocab - 2)
    writer.add_eos_token_id(vocab - 2)
    writer.add_pad_token_id(vocab - 1)

    def weight(*shape: int) -> Any:
        return (rng.standard_normal(shape) * 0.05).astype(np.float32)

    writer.add_tensor("token_embd.weight", weight(vocab, hidden))
    for i in range(layers):
        for name, shape in (("attn_q", (hidden, hidden)), ("attn_k", (hidden, hidden)),
                            ("attn_v", (hidden, hidden)), ("attn_output", (hidden, hidden)),
                            ("ffn_gate", (ffn, hidden)), ("ffn_up", (ffn, hidden)),
                            ("ffn_down", (hidden, ffn))):
            writer.add_tensor(f"blk.{i}.{name}.weight", weight(*shape))
        for norm in ("attn_norm", "ffn_norm"):
            writer.add_tensor(f"blk.{i}.{norm}.weight", np.ones(hidden, dtype=np.float32))
    writer.add_tensor("output_norm.weight", np.ones(hidden, dtype=np.float32))
    writer.add_tensor("output.weight", weight(vocab, hidden))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
