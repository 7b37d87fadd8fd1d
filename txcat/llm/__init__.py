"""LLM backends for the prompt strategies (few-shot, zero-shot with an LLM).

A backend is chosen by a model spec: ``openai:MODEL`` (or any OpenAI-compatible
server with a base URL: Ollama, vLLM, llama.cpp server, LM Studio) or
``hf:PATH_OR_ID`` (a local transformers causal LM that scores each label's
likelihood). See :func:`txcat.llm.base.make_backend`.
"""
