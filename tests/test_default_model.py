"""The cache of the embedded default model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import txcat
from txcat import default_model


def test_the_cache_key_follows_the_code_and_data_that_train_the_model(tmp_path: Path) -> None:
    """A model cached by other txcat code (an editable install after a pull, same version
    number) computes its features differently: it must be rebuilt, not loaded."""
    package = tmp_path / "txcat"
    shutil.copytree(Path(txcat.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    first = default_model.source_fingerprint(package)
    assert default_model.source_fingerprint(package) == first

    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert default_model.source_fingerprint(package) == first

    with (package / "data" / "merchants.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    second = default_model.source_fingerprint(package)
    assert second != first

    with (package / default_model.TRAINING_RESOURCE).open("ab") as f:  # the corpus too
        f.write(b"\0")
    assert default_model.source_fingerprint(package) != second


def test_the_bundled_model_directory_is_keyed_by_the_source(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = default_model.bundled_model_dir()
    monkeypatch.setattr(default_model, "installed_source_fingerprint", lambda: "other code")
    assert default_model.bundled_model_dir() != before
