"""Model directories: a strategy's own files plus ``txcat.json`` describing them.

``txcat.json`` records the strategy name, txcat version, labels, parameters, a
fingerprint of the training data and any metrics, so a model can be loaded with
the right class and checked before use. Directories are written to a temporary
sibling and renamed into place, so a failed save leaves no half-written model.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from txcat import __version__
from txcat.errors import ModelError, OutputError, StrategyError
from txcat.strategies.base import Strategy

MANIFEST = "txcat.json"
FORMAT_VERSION = 1


def check_model_target(directory: str | Path) -> Path:
    """Refuse, before any training, to save over something that is not a txcat model."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise ModelError(f"{target}: is a file; a model is saved as a directory")
    if target.is_dir() and not (target / MANIFEST).exists() and any(target.iterdir()):
        raise ModelError(f"{target}: exists and is not a txcat model directory; "
                         "choose a new or empty directory")
    return target


def save_model(strategy: Strategy, directory: str | Path, *,
               training: Mapping[str, Any] | None = None,
               metrics: Mapping[str, Any] | None = None) -> Path:
    """Save a fitted strategy into ``directory`` (replaced if it is a txcat model)."""
    target = check_model_target(directory)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        strategy.save(staging)
        manifest = {
            "format": FORMAT_VERSION,
            "strategy": strategy.name,
            "txcat_version": __version__,
            "labels": list(strategy.labels_),
            "params": strategy.get_params(),
            "training": dict(training or {}),
            "metrics": dict(metrics or {}),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_manifest(directory: str | Path) -> dict[str, Any]:
    path = Path(directory)
    manifest_path = path / MANIFEST
    if not path.exists():
        raise ModelError(f"{path}: no such model directory")
    if not manifest_path.exists():
        raise ModelError(f"{path}: not a txcat model directory (no {MANIFEST}); "
                         "make one with 'txcat train'")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{manifest_path}: not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise ModelError(f"{manifest_path}: model format {manifest.get('format')!r} is not "
                         f"supported by txcat {__version__} (expected {FORMAT_VERSION})")
    return manifest


def load_model(directory: str | Path) -> Strategy:
    """Load a model directory with the strategy class named in its manifest."""
    from txcat.plugins import get_strategies

    manifest = read_manifest(directory)
    name = manifest.get("strategy")
    strategies = get_strategies()
    if name not in strategies:
        raise StrategyError(f"{directory}: made by strategy {name!r}, which is not installed "
                            f"here (installed: {', '.join(sorted(strategies))})")
    cls = strategies[name]
    usable, reason = cls.availability()
    if not usable:
        raise StrategyError(f"{directory}: strategy {name!r} cannot run here: {reason}")
    try:
        return cls.load(Path(directory), dict(manifest.get("params", {})),
                        list(manifest["labels"]))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"{directory}: model files are missing or damaged ({exc})") from None
