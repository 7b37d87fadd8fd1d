"""The plugin path: built-ins register through the hooks a third party uses."""

from __future__ import annotations

import io
import json
import logging
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from txcat import plugins
from txcat.cli import main
from txcat.errors import UnknownParameterError
from txcat.hookspecs import hookimpl
from txcat.layouts import Layout
from txcat.reading import open_statement
from txcat.strategies.base import Strategy
from txcat.strategies.tfidf import TfidfStrategy


class KeywordStrategy(Strategy):
    """A test strategy: the label whose keyword list has most hits (real, if simple)."""

    name = "keyword-test"
    description = "keyword counts (test plugin)"

    def fit(self, transactions: Any, labels: Any) -> KeywordStrategy:
        self.labels_ = sorted(set(labels))
        self.words_: dict[str, set[str]] = {label: set() for label in self.labels_}
        for tx, label in zip(transactions, labels, strict=True):
            self.words_[label].update(tx.description.lower().split())
        return self

    def predict_proba(self, transactions: Any) -> np.ndarray:
        self.check_fitted()
        out = np.full((len(transactions), len(self.labels_)), 1e-3)
        for i, tx in enumerate(transactions):
            for j, label in enumerate(self.labels_):
                out[i, j] += len(set(tx.description.lower().split()) & self.words_[label])
        return out / out.sum(axis=1, keepdims=True)

    def save(self, directory: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, directory: Path, params: Any, labels: Any) -> Strategy:
        raise NotImplementedError


class NeedsMissingModule(KeywordStrategy):
    name = "needs-missing"
    requires = ("txcat_no_such_module_xyz",)
    extra = "imaginary"


@pytest.fixture
def register() -> Iterator[Any]:
    """Register a plugin module object through the real manager; unregister after."""
    pm = plugins.get_plugin_manager()
    registered: list[object] = []

    def _register(**hooks: Any) -> object:
        module = types.ModuleType(f"test-plugin-{len(registered)}")
        for hook_name, function in hooks.items():
            setattr(module, hook_name, hookimpl(function))
        pm.register(module, name=module.__name__)
        registered.append(module)
        return module

    try:
        yield _register
    finally:
        for module in registered:
            pm.unregister(module)


def test_builtins_are_registered_as_plugins() -> None:
    pm = plugins.get_plugin_manager()
    names = {pm.get_name(p) for p in pm.get_plugins()}
    assert set(plugins.DEFAULT_PLUGINS) <= names
    assert plugins.get_strategies()["tfidf"] is TfidfStrategy
    assert "nubank-conta" in {layout.name for layout in plugins.get_layouts()}


def test_hook_register_strategies(register: Any) -> None:
    """A plugin strategy is listed, and usable from the CLI, through the hook."""
    register(register_strategies=lambda register: (register(KeywordStrategy),
                                                   register(NeedsMissingModule)))
    assert plugins.get_strategies()["keyword-test"] is KeywordStrategy
    result = CliRunner().invoke(main, ["strategies"])
    assert result.exit_code == 0
    assert "keyword-test" in result.output
    assert "needs-missing" in result.output
    assert "usable here: no (needs txcat_no_such_module_xyz (pip install 'txcat[imaginary]'))" \
        in result.output
    result = CliRunner().invoke(main, ["classify", "samples/extrato.csv",
                                       "--strategy", "needs-missing"])
    assert result.exit_code == 1
    assert "cannot run here" in result.output


def test_hook_register_layouts(register: Any) -> None:
    """A plugin layout is detected without flags, through the hook."""
    layout = Layout(name="banco-teste", title="Banco Teste", columns=("Quando", "Onde", "Quanto"),
                    description=("Onde",), date="Quando", amount="Quanto", decimal=",")
    register(register_layouts=lambda register: register(layout))
    data = b"Quando;Onde;Quanto\n01/02/2025;Padaria Sol;-3,50\n"
    with open_statement(io.BytesIO(data), name="teste.csv") as st:
        rows = list(st)
    assert st.layout.name == "banco-teste"
    assert (rows[0].description, rows[0].amount) == ("Padaria Sol", -3.5)


def test_a_failing_plugin_is_named_in_a_warning_and_the_rest_works(
        register: Any, caplog: pytest.LogCaptureFixture) -> None:
    def broken(register: Any) -> None:
        raise RuntimeError("boom")

    register(register_strategies=broken)
    with caplog.at_level(logging.WARNING, logger="txcat"):
        strategies = plugins.get_strategies()
    assert "tfidf" in strategies
    assert "test-plugin-0" in caplog.text and "boom" in caplog.text


def test_a_duplicate_strategy_name_keeps_the_first_and_warns(
        register: Any, caplog: pytest.LogCaptureFixture) -> None:
    class Impostor(KeywordStrategy):
        name = "tfidf"

    register(register_strategies=lambda register: register(Impostor))
    with caplog.at_level(logging.WARNING, logger="txcat"):
        assert plugins.get_strategies()["tfidf"] is TfidfStrategy
    assert "registered twice" in caplog.text


class _FakeEntryPoint:
    def __init__(self, name: str, loader: Any) -> None:
        self.name = name
        self._loader = loader

    def load(self) -> Any:
        return self._loader()


def test_entry_points_load_with_subset_and_broken_plugins(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    good = types.ModuleType("good")
    good.register_strategies = hookimpl(  # type: ignore[attr-defined]
        lambda register: register(KeywordStrategy))

    def bad() -> Any:
        raise ImportError("no module named txcat_bad")

    eps = [_FakeEntryPoint("good", lambda: good), _FakeEntryPoint("bad", bad),
           _FakeEntryPoint("skipped", lambda: good)]
    monkeypatch.setattr(plugins, "entry_points", lambda group: eps)
    monkeypatch.delattr("sys._called_from_test")
    monkeypatch.setenv("TXCAT_LOAD_PLUGINS", "good,bad,typo")
    plugins.get_plugin_manager.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="txcat"):
            pm = plugins.get_plugin_manager()
            strategies = plugins.get_strategies()
        names = {pm.get_name(p) for p in pm.get_plugins()}
        assert "good" in names and "skipped" not in names
        assert strategies["keyword-test"] is KeywordStrategy
        assert "'bad' could not be loaded" in caplog.text
        assert ("TXCAT_LOAD_PLUGINS names 'typo', which no installed plugin is called "
                "(installed: bad, good, skipped)") in caplog.text
    finally:
        plugins.get_plugin_manager.cache_clear()


def test_a_model_whose_strategy_cannot_run_here_is_not_called_damaged(
        register: Any, tmp_path: Path) -> None:
    """The model is fine; this install lacks what its strategy needs. Say that, and how
    to install it, rather than alarm the user with 'damaged'."""
    register(register_strategies=lambda register: register(NeedsMissingModule))
    model = tmp_path / "m"
    model.mkdir()
    (model / "txcat.json").write_text(json.dumps({
        "format": 1, "strategy": "needs-missing", "labels": ["LAZER", "NECESSIDADE"],
        "params": {}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "samples/extrato.csv", "--model", str(model)])
    assert result.exit_code == 1
    assert "damaged" not in result.stderr
    assert (f"{model}: a 'needs-missing' model, which cannot run here: needs "
            "txcat_no_such_module_xyz (pip install 'txcat[imaginary]')") in result.stderr


class OldStyleAvailability(KeywordStrategy):
    """A third-party strategy written before ``availability`` took the parameters."""

    name = "old-style"

    @classmethod
    def availability(cls) -> tuple[bool, str]:  # type: ignore[override]
        return False, "needs a licence file"


def test_a_plugin_whose_availability_takes_no_parameters_still_works(register: Any) -> None:
    register(register_strategies=lambda register: register(OldStyleAvailability))
    result = CliRunner().invoke(main, ["classify", "samples/extrato.csv",
                                       "--strategy", "old-style"])
    assert result.exit_code == 1
    assert "cannot run here: needs a licence file" in result.stderr
    result = CliRunner().invoke(main, ["bench", "samples/labeled/c6.csv",
                                       "--strategies", "tfidf,old-style"])
    assert "needs a licence file" in result.output


class NeedsMissingSubmodule(KeywordStrategy):
    """A dotted module whose parent package is missing: find_spec raises for it."""

    name = "needs-missing-sub"
    requires = ("txcat_no_such_package_xyz.storage",)


class AvailabilityRaises(KeywordStrategy):
    name = "availability-raises"

    @classmethod
    def availability(cls, params: dict[str, Any] | None = None) -> tuple[bool, str]:
        raise RuntimeError("licence server down")


@pytest.mark.parametrize("cls, reason", [
    (NeedsMissingSubmodule, "needs txcat_no_such_package_xyz.storage"),
    (AvailabilityRaises, "its availability check failed (RuntimeError: licence server down)"),
])
def test_a_strategy_that_cannot_tell_whether_it_runs_is_listed_as_unusable(
        register: Any, cls: type[Strategy], reason: str) -> None:
    register(register_strategies=lambda register: register(cls))
    result = CliRunner().invoke(main, ["strategies"])
    assert result.exit_code == 0, result.output
    assert reason in result.output
    result = CliRunner().invoke(main, ["bench", "samples/labeled/c6.csv",
                                       "--strategies", f"tfidf,{cls.name}"])
    assert result.exit_code == 0, result.output
    assert reason in result.output
    assert "tfidf" in result.output and "Traceback" not in result.output


class NotAStrategy:
    name = "not-a-strategy"


class RequiresAString(KeywordStrategy):
    name = "requires-a-string"
    requires = "numpy"  # type: ignore[assignment]


@pytest.mark.parametrize("cls, why", [
    (NotAStrategy, "is not a txcat Strategy subclass"),
    (RequiresAString, "its requires is a str; it must be a tuple of module names"),
])
def test_a_registered_class_that_is_not_a_usable_strategy_is_named_and_skipped(
        register: Any, cls: type, why: str, caplog: pytest.LogCaptureFixture) -> None:
    register(register_strategies=lambda register: register(cls))
    with caplog.at_level(logging.WARNING, logger="txcat"):
        strategies = plugins.get_strategies()
    assert cls.name not in strategies and "tfidf" in strategies
    assert why in caplog.text
    result = CliRunner().invoke(main, ["strategies"])
    assert result.exit_code == 0 and "tfidf" in result.output


class SklearnStyle(KeywordStrategy):
    """__init__ written as scikit-learn's are: it stores its arguments as attributes."""

    name = "sklearn-style"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha


class CatchAllNamedKwargs(KeywordStrategy):
    name = "kwargs-style"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)


def test_a_strategy_storing_its_arguments_as_scikit_learn_does_reports_them() -> None:
    assert SklearnStyle(alpha=2.5).get_params() == {"alpha": 2.5}


def test_a_catch_all_of_any_name_takes_any_parameter() -> None:
    plugins.check_strategy_params(CatchAllNamedKwargs, {"alpha": 2})
    with pytest.raises(UnknownParameterError, match="has no parameter beta"):
        plugins.check_strategy_params(SklearnStyle, {"beta": 2})


def test_a_failing_plugin_is_warned_about_once_per_command(
        register: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Strategies are listed several times in one command (cascade asks again): the
    user should read about a broken plugin once."""
    def broken(register: Any) -> None:
        raise RuntimeError("broken on purpose")

    register(register_strategies=broken)
    register(register_strategies=lambda register: register(NotAStrategy))
    with caplog.at_level(logging.WARNING, logger="txcat"):
        plugins.get_strategies()
        plugins.get_strategies()
    assert caplog.text.count("broken on purpose") == 1
    assert caplog.text.count("is not a txcat Strategy subclass") == 1


def test_a_strategy_registered_as_an_instance_is_told_so_once_per_command(
        register: Any, caplog: pytest.LogCaptureFixture) -> None:
    """register(KeywordStrategy()) makes a new instance each time the hook runs: the
    warning names the class, says to register the class, and is given once."""
    register(register_strategies=lambda register: register(KeywordStrategy()))
    with caplog.at_level(logging.WARNING, logger="txcat"):
        strategies = plugins.get_strategies()
        plugins.get_strategies()
    assert "keyword-test" not in strategies and "tfidf" in strategies
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1, warnings
    assert "an instance of KeywordStrategy" in warnings[0]
    assert "register the class" in warnings[0] and " at 0x" not in warnings[0]
