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


def test_building_the_default_model_prunes_cache_folders_left_unused_for_a_month(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code change (an editable install after a pull) or upgrade keys a new folder;
    old ones would pile up forever. A folder another install still uses (touched when
    loaded) stays, as does anything in the cache that is not a bundled model."""
    import os
    import time

    monkeypatch.setenv("TXCAT_CACHE_DIR", str(tmp_path))
    month_ago = time.time() - 31 * 24 * 3600
    stale = tmp_path / "tfidf-bundled-000000000000"
    in_use = tmp_path / "tfidf-bundled-111111111111"
    foreign = tmp_path / "my-notes"
    lookalike = tmp_path / "photos-bundled-2024"  # a shared TXCAT_CACHE_DIR may hold anything
    for folder in (stale, in_use, foreign, lookalike):
        folder.mkdir()
        (folder / "txcat.json").write_text("{}")
    (tmp_path / "tfidf-bundled-222222222222").mkdir()  # not a model folder: no txcat.json
    for folder in (stale, foreign, lookalike, tmp_path / "tfidf-bundled-222222222222"):
        os.utime(folder, (month_ago, month_ago))

    default_model.load_bundled_model()

    assert default_model.bundled_model_dir().exists()
    assert not stale.exists()
    assert in_use.exists() and foreign.exists() and lookalike.exists()
    assert (tmp_path / "tfidf-bundled-222222222222").exists()


def test_loading_the_cached_default_model_marks_it_as_in_use(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("TXCAT_CACHE_DIR", str(tmp_path))
    default_model.load_bundled_model()
    directory = default_model.bundled_model_dir()
    os.utime(directory, (0, 0))
    default_model.load_bundled_model()
    assert directory.stat().st_mtime > 0


def test_the_bundled_model_of_a_plugin_strategy_follows_the_plugins_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """'classify --strategy rules' caches a model trained by the plugin's code: after the
    plugin is upgraded, the cached one must not be loaded."""
    import importlib
    import sys

    from helpers import strategy_plugin

    package = tmp_path / "txcat_cachetest_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from txcat.strategies.tfidf import TfidfStrategy\n\n"
        "class Plugged(TfidfStrategy):\n    name = 'plugged-cache-test'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("txcat_cachetest_plugin")
    try:
        with strategy_plugin("cachetest-plugin", module.Plugged):
            first = default_model.bundled_model_dir("plugged-cache-test")
            assert default_model.bundled_model_dir("plugged-cache-test") == first
            built_in = default_model.bundled_model_dir("zero-shot")
            cascade = default_model.bundled_model_dir("cascade")  # members may be plugins
            (package / "__init__.py").write_text(
                (package / "__init__.py").read_text(encoding="utf-8") + "# 0.2.0\n",
                encoding="utf-8")
            assert default_model.bundled_model_dir("plugged-cache-test") != first
            assert default_model.bundled_model_dir("cascade") != cascade
            # A built-in strategy is trained by txcat's code alone: no plugin upgrade
            # makes it train again (bert takes minutes on a CPU).
            assert default_model.bundled_model_dir("zero-shot") == built_in
    finally:
        sys.modules.pop("txcat_cachetest_plugin", None)
