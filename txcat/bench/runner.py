"""Fit and score every strategy on one split; a failing strategy never stops the others.

The library reports progress through a callback (:class:`BenchEvent`) and returns
plain dictionaries (the ``results.json`` schema, see ``docs/bench.md``); the CLI
renders both.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from txcat import __version__
from txcat.bench.metrics import score
from txcat.bench.split import Split
from txcat.errors import TxcatError
from txcat.llm.base import NoLLMConfigured
from txcat.training import LabeledData
from txcat.transactions import Transaction

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
PREDICT_BATCH = 512


@dataclass(frozen=True)
class StrategySpec:
    """A strategy name and its parameters: ``tfidf`` or ``tfidf:directory=false:C=5``."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if not self.params:
            return self.name
        import json

        return self.name + "(" + ", ".join(f"{k}={json.dumps(v)}" if not isinstance(v, str)
                                           else f"{k}={v}" for k, v in self.params.items()) + ")"


def parse_specs(text: str) -> list[StrategySpec]:
    """``"tfidf,tfidf:directory=false"`` -> two specs; values are read as JSON when they can be,
    and may hold colons (``zero-shot:llm=openai:gpt-4o-mini``).

    Every name must be an installed strategy with parameters it takes, so a typo or a
    bad value fails before any data is read or fitted; one installed but unusable here
    is still accepted (the report says why).
    """
    from txcat.plugins import check_strategy_params, param_value, registered_strategy

    specs: list[StrategySpec] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, *pieces = part.split(":")
        pairs: list[str] = []
        for piece in pieces:  # 'llm=openai:gpt-4o-mini': a piece with no '=' goes on the value
            if "=" not in piece and pairs:
                pairs[-1] += ":" + piece
            else:
                pairs.append(piece)
        params: dict[str, Any] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key = key.strip()  # as -p's: 'tfidf: C=2' is C
            if not sep or not key:
                raise TxcatError(f"strategy spec {part!r}: {pair!r} is not KEY=VALUE")
            if key in params:
                raise TxcatError(f"strategy spec {part!r}: {key} is given twice; give it once")
            params[key] = param_value(value)
        check_strategy_params(registered_strategy(name.strip()), params)
        spec = StrategySpec(name.strip(), params)
        if any(other.label == spec.label for other in specs):  # one row, one chart file
            raise TxcatError(f"{part!r} is given twice in --strategies; give it once")
        specs.append(spec)
    if not specs:
        raise TxcatError("no strategy named in --strategies")
    return specs


def scored(results: dict[str, Any]) -> int:
    """How many strategies of a ``results.json`` document were fitted and scored."""
    return sum(r["status"] == "ok" for r in results["strategies"])


def default_specs() -> list[StrategySpec]:
    """Every registered strategy, usable here or not (the report says why not)."""
    from txcat.plugins import get_strategies

    return [StrategySpec(name) for name in sorted(get_strategies())]


@dataclass(frozen=True)
class BenchEvent:
    """Progress of one strategy: ``stage`` is fit, predict, curve, done, failed or skipped."""

    strategy: str
    stage: str
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None


Progress = Callable[[BenchEvent], None]


def run_benchmark(data: LabeledData, split: Split, specs: Sequence[StrategySpec], *,
                  labels: Sequence[str], train_sizes: Sequence[int | str] = (),
                  progress: Progress | None = None) -> dict[str, Any]:
    """Fit and score each spec on ``split``; return the ``results.json`` document."""
    notify: Progress = progress or (lambda event: None)
    test_data = split.test_data or data
    train_tx = [data.transactions[i] for i in split.train]
    train_y = [data.labels[i] for i in split.train]
    test_tx = [test_data.transactions[i] for i in split.test]
    test_y = [test_data.labels[i] for i in split.test]
    results = []
    for spec in specs:
        result = _run_one(spec, train_tx, train_y, test_tx, test_y, labels, split.seed,
                          train_sizes, notify)
        results.append(result)
    return {
        "schema_version": SCHEMA_VERSION,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "txcat_version": __version__,
        "machine": {"hostname": platform.node(), "cpus": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version()},
        "data": {"files": data.file_names(), "rows": len(data.labels),
                 "labels": list(labels), "test_files": test_data.file_names()},
        "split": {k: v for k, v in split.describe(data).items()
                  if k not in ("train_keys", "test_keys")},
        "strategies": results,
    }


def _empty_result(spec: StrategySpec, status: str, reason: str | None) -> dict[str, Any]:
    return {"name": spec.label, "strategy": spec.name, "params": dict(spec.params),
            "status": status, "reason": reason, "metrics": None, "fit_seconds": None,
            "predict_seconds": None, "predict_rows_per_second": None, "model_bytes": None,
            "tokens": None, "cost_usd": None, "learning_curve": []}


def _run_one(spec: StrategySpec, train_tx: list[Transaction], train_y: list[str],
             test_tx: list[Transaction], test_y: list[str], labels: Sequence[str], seed: int,
             train_sizes: Sequence[int | str], notify: Progress) -> dict[str, Any]:
    from txcat.plugins import availability_of, create_strategy, get_strategies

    cls = get_strategies().get(spec.name)
    if cls is None:
        result = _empty_result(spec, "unavailable", f"no strategy called {spec.name!r} is "
                               "installed")
        notify(BenchEvent(spec.label, "skipped", result=result))
        return result
    usable, reason = availability_of(cls, spec.params)
    if not usable:
        result = _empty_result(spec, "unavailable", reason)
        notify(BenchEvent(spec.label, "skipped", result=result))
        return result
    result = _empty_result(spec, "ok", None)
    try:
        notify(BenchEvent(spec.label, "fit", 0, len(test_tx)))
        model = create_strategy(spec.name, spec.params)
        start = time.perf_counter()
        model.fit(train_tx, train_y)
        result["fit_seconds"] = time.perf_counter() - start
        predicted: list[str] = []
        start = time.perf_counter()
        for begin in range(0, len(test_tx), PREDICT_BATCH):
            predicted += model.predict(test_tx[begin : begin + PREDICT_BATCH])
            notify(BenchEvent(spec.label, "predict", len(predicted), len(test_tx)))
        seconds = time.perf_counter() - start
        result["predict_seconds"] = seconds
        result["predict_rows_per_second"] = len(test_tx) / seconds if seconds > 0 else None
        result["metrics"] = score(test_y, predicted, labels, seed=seed)
        result["model_bytes"] = _model_size(model)
        usage = getattr(model, "usage_", None) or {}
        result["tokens"] = usage.get("tokens")
        result["cost_usd"] = usage.get("cost_usd")
        if train_sizes:
            result["learning_curve"] = _learning_curve(spec, train_tx, train_y, test_tx, test_y,
                                                       seed, train_sizes, notify)
    except NoLLMConfigured as exc:  # not broken: nothing to run it with here
        result.update(status="unavailable", reason=str(exc))
        notify(BenchEvent(spec.label, "skipped", result=result))
        return result
    except Exception as exc:  # one broken strategy must not stop the benchmark
        result.update(status="failed", reason=f"{type(exc).__name__}: {exc}")
        notify(BenchEvent(spec.label, "failed", result=result))
        return result
    notify(BenchEvent(spec.label, "done", len(test_tx), len(test_tx), result=result))
    return result


def _model_size(model: Any) -> int | None:
    """Bytes on disk of the saved model directory, or None when it cannot be saved."""
    from txcat.modeldir import save_model

    workdir = Path(tempfile.mkdtemp(prefix="txcat-bench-size-"))
    try:
        save_model(model, workdir / "model")
        return sum(p.stat().st_size for p in (workdir / "model").rglob("*") if p.is_file())
    except NotImplementedError:
        return None
    except Exception as exc:  # its scores stand; 'txcat train' would fail to save it
        logger.warning("%s: its model could not be saved (%s: %s); its size is left out",
                       model.name, type(exc).__name__, exc)
        return None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def resolve_train_sizes(sizes: Sequence[int | str], available: int) -> list[int]:
    """'all' -> every training row; sizes above what is available are dropped."""
    resolved = sorted({available if s == "all" else int(s) for s in sizes})
    return [s for s in resolved if 0 < s <= available]


def _learning_curve(spec: StrategySpec, train_tx: list[Transaction], train_y: list[str],
                    test_tx: list[Transaction], test_y: list[str], seed: int,
                    train_sizes: Sequence[int | str], notify: Progress) -> list[dict[str, Any]]:
    """Accuracy as the number of labeled training rows grows (stratified subsets)."""
    from sklearn.model_selection import train_test_split

    from txcat.plugins import create_strategy

    sizes = resolve_train_sizes(train_sizes, len(train_tx))
    points = []
    for step, size in enumerate(sizes, start=1):
        notify(BenchEvent(spec.label, "curve", step, len(sizes)))
        if size == len(train_tx):
            idx = np.arange(len(train_tx))
        else:
            try:
                idx, _ = train_test_split(np.arange(len(train_tx)), train_size=size,
                                          random_state=seed, stratify=train_y)
            except ValueError:  # too few rows per label to stratify
                idx, _ = train_test_split(np.arange(len(train_tx)), train_size=size,
                                          random_state=seed)
        subset_y = [train_y[i] for i in idx]
        if len(set(subset_y)) < 2:  # as 'txcat train' refuses, and so does the main fit
            logger.warning("%s: --train-sizes %d gives training rows of one label; left out "
                           "of the learning curve", spec.label, size)
            continue
        try:
            model = create_strategy(spec.name, spec.params)
            model.fit([train_tx[i] for i in idx], subset_y)
            predicted = np.array(model.predict(test_tx))
        except Exception as exc:  # one point must not cost the strategy its main score
            logger.warning("%s: --train-sizes %d left out of the learning curve: %s",
                           spec.label, size, exc)
            continue
        points.append({"train_rows": int(size),
                       "accuracy": float(np.mean(predicted == np.array(test_y)))})
    return points
