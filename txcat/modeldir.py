"""Model directories: a strategy's own files plus ``txcat.json`` describing them.

``txcat.json`` records the strategy name, txcat version, labels, parameters, a
fingerprint of the training data and any metrics, so a model can be loaded with
the right class and checked before use. Directories are written to a temporary
sibling and renamed into place, so a failed save leaves no half-written model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from txcat import __version__
from txcat.errors import ModelError, StrategyError, TxcatError
from txcat.output import (
    check_can_create,
    file_in_the_way,
    files_in,
    os_litter,
    replaced_directory,
)
from txcat.strategies.base import Strategy
from txcat.wording import listed

MANIFEST = "txcat.json"
FORMAT_VERSION = 1


def check_model_target(directory: str | Path) -> Path:
    """Refuse, before any training, to save over something that is not a txcat model,
    or where no folder can be made."""
    target = Path(directory).resolve()
    if target.exists() and not target.is_dir():
        raise ModelError(f"{directory}: is a file; a model is saved as a directory")
    in_the_way = file_in_the_way(target)
    if in_the_way is not None:
        raise ModelError(f"cannot write {directory}: {in_the_way} is a file, not a folder")
    if target.is_dir() and not (target / MANIFEST).exists() and any(target.iterdir()):
        raise ModelError(f"{directory}: exists and is not a txcat model directory; "
                         "choose a new or empty directory")
    others = _files_not_the_models(target)
    if others:
        raise ModelError(f"{directory}: holds files that are not the model's "
                         f"({listed(others)}); "
                         "saving a model replaces the folder: move them, or choose another "
                         "directory")
    check_can_create(target, directory)
    return target


def _files_not_the_models(directory: Path) -> list[str]:
    """Files in a saved model's folder that its manifest does not list (the user's own).

    Models saved before the manifest listed its files cannot be checked this way."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    listed = _listed_files(manifest)
    if listed is None:
        return []
    return [f for f in files_in(directory) if f != MANIFEST and f not in listed
            and not os_litter(f)]


def _listed_but_missing(directory: Path, manifest: dict[str, Any]) -> list[str]:
    """Files the manifest lists that are gone. Loaders do not always notice: without
    its tokenizer files transformers builds a tokenizer of a few tokens, and every row
    would be labeled wrong without a word."""
    return [f for f in _listed_files(manifest) or () if not (directory / f).is_file()]


def _listed_files(manifest: object) -> list[str] | None:
    """The model's files as the manifest lists them; None for a manifest saved before
    it listed them (or one that is not an object)."""
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, list):
        return None
    return [f for f in listed if isinstance(f, str)]


def save_model(strategy: Strategy, directory: str | Path, *,
               training: Mapping[str, Any] | None = None,
               metrics: Mapping[str, Any] | None = None) -> Path:
    """Save a fitted strategy into ``directory`` (replaced if it is a txcat model)."""
    target = check_model_target(directory)
    with replaced_directory(target) as staging:
        strategy.save(staging)
        manifest = {
            "format": FORMAT_VERSION,
            "strategy": strategy.name,
            "txcat_version": __version__,
            "labels": list(strategy.labels_),
            "params": strategy.get_params(),
            "training": dict(training or {}),
            "metrics": dict(metrics or {}),
            # What the folder holds: any other file is the user's, kept from deletion.
            "files": files_in(staging),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
    return target


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The checked manifest of a model directory; a :class:`ModelError` when it is unusable."""
    path = Path(directory)
    manifest_path = path / MANIFEST
    if not path.exists():
        raise ModelError(f"{path}: no such model directory")
    if not manifest_path.exists():
        raise ModelError(f"{path}: not a txcat model directory (no {MANIFEST}); "
                         "make one with 'txcat train'")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{manifest_path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ModelError(f"{manifest_path}: not a txcat manifest (not a JSON object)")
    if manifest.get("format") != FORMAT_VERSION:
        raise ModelError(f"{manifest_path}: model format {manifest.get('format')!r} is not "
                         f"supported by txcat {__version__} (expected {FORMAT_VERSION})")
    labels = manifest.get("labels")
    if not isinstance(manifest.get("strategy"), str) or not isinstance(
            manifest.get("params", {}), dict) or not isinstance(labels, list) or not labels \
            or not all(isinstance(label, str) and label.strip() for label in labels):
        raise ModelError(f"{manifest_path}: damaged manifest (strategy, labels or params "
                         "missing or of the wrong type, or a label is empty)")
    if len(set(labels)) != len(labels):
        raise ModelError(f"{manifest_path}: damaged manifest (a label is listed twice: "
                         f"{', '.join(labels)})")
    return manifest


def load_model(directory: str | Path) -> Strategy:
    """Load a model directory with the strategy class named in its manifest."""
    from txcat.plugins import availability_of, create_strategy, get_strategies

    manifest = read_manifest(directory)
    name = manifest["strategy"]
    strategies = get_strategies()
    if name not in strategies:
        raise StrategyError(f"{directory}: made by strategy {name!r}, which is not installed "
                            f"here (installed: {', '.join(sorted(strategies))})")
    params = dict(manifest.get("params", {}))
    missing = _listed_but_missing(Path(directory), manifest)
    if missing:  # e.g. bert without tokenizer.json: transformers would build a 5-token one
        raise ModelError(f"{directory}: model files are missing or damaged "
                         f"({', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                         "missing)")
    try:
        usable, reason = availability_of(strategies[name], params)
    except StrategyError as exc:
        raise ModelError(f"{directory}: damaged model ({exc})") from None
    if not usable:  # a sound model; this install lacks what its strategy needs
        raise StrategyError(f"{directory}: a {name!r} model, which cannot run here: {reason}")
    try:
        create_strategy(name, params)  # the same checks as for a new model
    except StrategyError as exc:
        raise ModelError(f"{directory}: damaged model ({exc})") from None
    try:
        return strategies[name].load(Path(directory), params, list(manifest["labels"]))
    except TxcatError:
        raise
    except Exception as exc:  # any damage to the files: never a traceback
        raise ModelError(f"{directory}: model files are missing or damaged "
                         f"({type(exc).__name__}: {exc})") from None
