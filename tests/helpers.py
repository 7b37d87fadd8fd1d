"""Small builders shared by tests."""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from txcat.transactions import Transaction

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


def set_manifest_labels(model_dir: Path, labels: list[str]) -> None:
    """Edit the labels a saved model's txcat.json lists, as a user (or damage) might."""
    import json

    path = model_dir / "txcat.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["labels"] = labels
    path.write_text(json.dumps(manifest), encoding="utf-8")


def set_manifest_param(model_dir: Path, name: str, value: Any) -> Path:
    """Edit one of the params a saved model's txcat.json lists; its path, for messages."""
    import json

    path = model_dir / "txcat.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["params"][name] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def drop_weights(weights: Path, lost: str) -> None:
    """Rewrite a .safetensors file without the tensors whose name holds ``lost``."""
    from safetensors.torch import load_file, save_file

    save_file({k: v for k, v in load_file(weights).items() if lost not in k}, weights,
              metadata={"format": "pt"})


def txs(*descriptions: str, amount: float = -10.0) -> list[Transaction]:
    return [Transaction(description=d, amount=amount, id=str(i), row=i)
            for i, d in enumerate(descriptions, start=1)]


# A tiny separable training set in the statements' own wording.
TRAIN = [
    ("Compra no débito - Supermercado Bom Preço", "NECESSIDADE"),
    ("Compra no crédito - Mercadinho da Vila", "NECESSIDADE"),
    ("Transferência enviada pelo Pix - DROGARIA SANTA CRUZ", "NECESSIDADE"),
    ("Compra no débito - Farmácia Popular Centro", "NECESSIDADE"),
    ("Compra no débito - Restaurante Sabor da Casa", "LAZER"),
    ("Compra no crédito - Pizzaria Forno a Lenha", "LAZER"),
    ("Compra no crédito - Bar do Alemão", "LAZER"),
    ("Compra no débito - Sorveteria Gelato", "LAZER"),
    ("Compra no crédito - Auto Posto Avenida", "TRABALHO"),
    ("Compra no débito - Estacionamento Centro", "TRABALHO"),
    ("Compra no crédito - Posto Estrada Real", "TRABALHO"),
    ("Compra no débito - Papelaria Escritório Total", "TRABALHO"),
]


@contextlib.contextmanager
def strategy_plugin(name: str, *classes: type[Any]) -> Iterator[None]:
    """Register strategy classes as a plugin through txcat's real plugin manager,
    unregistering it afterwards (fakes go through the registry, never around it)."""
    from txcat import plugins
    from txcat.hookspecs import hookimpl

    module = types.ModuleType(name)

    def register_strategies(register: Any) -> None:
        for cls in classes:
            register(cls)

    module.register_strategies = hookimpl(register_strategies)  # type: ignore[attr-defined]
    plugins.get_plugin_manager().register(module, name=name)
    try:
        yield
    finally:
        plugins.get_plugin_manager().unregister(module)
