"""The embedded default model: what ``txcat classify`` uses with no ``--model``.

It is the ``tfidf`` strategy (with merchant-directory features) trained on the
labeled corpus shipped inside the package (``data/training.csv.gz``, the same
rows as ``samples/labeled/``). It was chosen by measurement on a
merchant-disjoint split (see the README). Training takes a few seconds, so the
first use trains it and caches it under the user's cache directory; later runs
load the cached model. Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import logging
import os
import re
import shutil
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path

from txcat import __version__
from txcat.errors import TxcatError
from txcat.modeldir import load_model, save_model
from txcat.strategies.base import Strategy
from txcat.training import LabeledData
from txcat.transactions import Transaction

logger = logging.getLogger(__name__)

DEFAULT_STRATEGY = "tfidf"
TRAINING_RESOURCE = "data/training.csv.gz"
#: A bundled-model folder nobody has loaded for this long is another code's or
#: version's leftover, deleted when a new one is built.
STALE_AFTER_SECONDS = 30 * 24 * 3600
#: The name :func:`bundled_model_dir` gives: only such folders, holding a model, are pruned.
_BUNDLED_NAME = re.compile(r"[\w.:-]+-bundled-[0-9a-f]{12}")


def cache_root() -> Path:
    """``$TXCAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/txcat``, else ``~/.cache/txcat``."""
    if os.environ.get("TXCAT_CACHE_DIR"):
        return Path(os.environ["TXCAT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "txcat"


@lru_cache(maxsize=1)
def _training_bytes() -> bytes:
    return resources.files("txcat").joinpath(TRAINING_RESOURCE).read_bytes()


def bundled_training_data() -> LabeledData:
    """The labeled corpus shipped in the package (description, amount, label)."""
    data = LabeledData(sources=[TRAINING_RESOURCE])
    text = gzip.decompress(_training_bytes()).decode("utf-8")
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        amount = float(row["amount"]) if row["amount"] else None
        data.transactions.append(Transaction(description=row["description"], amount=amount,
                                             id=str(n), row=n, source=TRAINING_RESOURCE))
        data.labels.append(row["label"])
    return data


def source_fingerprint(package: Path) -> str:
    """A hash of every file of the package at ``package`` (code and data, not bytecode).

    Why the version number is not enough: a model's features (merchant-directory hits,
    cleaned text) are computed by the code at hand when it predicts, so a model cached
    by other code of the same version (an editable install after a pull) would mix two
    feature sets and silently label differently from a freshly trained one.
    """
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def installed_source_fingerprint() -> str:
    """:func:`source_fingerprint` of the txcat package this process imported."""
    return source_fingerprint(Path(__file__).resolve().parent)


def bundled_model_dir(strategy: str = DEFAULT_STRATEGY) -> Path:
    """Where the bundled-corpus model of ``strategy`` is cached for this txcat version
    and source; the source fingerprint covers the corpus file, which is package data.

    A plugin's strategy is trained by the plugin's code too, and a strategy made of
    others (a cascade's members) by theirs: the key covers that source as well, so an
    upgraded plugin trains its model anew rather than load one its old code trained.
    A built-in strategy's key covers txcat alone."""
    key = hashlib.sha256(__version__.encode() + installed_source_fingerprint().encode()
                         + plugin_source_fingerprint(strategy).encode()).hexdigest()[:12]
    return cache_root() / f"{strategy}-bundled-{key}"


def plugin_source_fingerprint(strategy: str) -> str:
    """A hash of the source of the packages outside txcat that train ``strategy``: its
    own, and for a strategy made of others (``uses_other_strategies``) every strategy
    plugin's. Empty for a built-in strategy of its own."""
    import sys

    from txcat.plugins import get_strategies

    strategies = get_strategies()
    cls = strategies.get(strategy)
    if cls is None:
        return ""
    involved = strategies.values() if cls.uses_other_strategies else [cls]
    roots: dict[str, Path] = {}
    for other in involved:
        top = other.__module__.split(".")[0]
        module = sys.modules.get(top) or sys.modules.get(other.__module__)
        file = getattr(module, "__file__", None) or getattr(
            sys.modules.get(other.__module__), "__file__", None)
        if top != "txcat" and file:
            path = Path(file).resolve()
            roots[top] = path.parent if path.name == "__init__.py" else path
    digest = hashlib.sha256()
    for top, root in sorted(roots.items()):  # by name, not by where it is installed
        digest.update(top.encode() + b"\0")
        digest.update((source_fingerprint(root) if root.is_dir()
                       else hashlib.sha256(root.read_bytes()).hexdigest()).encode())
    return digest.hexdigest() if roots else ""


def load_bundled_model(strategy: str = DEFAULT_STRATEGY) -> Strategy:
    """The model of ``strategy`` trained on the bundled corpus: cached, or built now."""
    from txcat.plugins import get_strategy

    cls = get_strategy(strategy)  # unknown or unusable strategies fail before any work
    directory = bundled_model_dir(strategy)
    if directory.exists():
        try:
            model = load_model(directory)
            _mark_in_use(directory)
            return model
        except TxcatError as exc:
            logger.warning("cached model %s is unusable (%s); rebuilding it", directory, exc)
            shutil.rmtree(directory, ignore_errors=True)  # ours to rebuild, never a user's
    data = bundled_training_data()
    logger.info("first use: training the %s model on the bundled corpus (%d rows); "
                "it is cached for next time", strategy, len(data.labels))
    start = time.perf_counter()
    model = cls().fit(data.transactions, data.labels)
    seconds = time.perf_counter() - start
    try:
        save_model(model, directory, training={**data.summary(), "fit_seconds": seconds})
        logger.info("trained in %.1f s, cached in %s", seconds, directory)
        prune_stale_models(directory.parent, keep=directory)
    except (OSError, TxcatError) as exc:
        logger.warning("could not cache the model in %s (%s); it will be trained again "
                       "next time (set TXCAT_CACHE_DIR to a writable folder)", directory, exc)
    return model


def _mark_in_use(directory: Path) -> None:
    """Touch a cached model's folder, so that pruning knows some install still uses it."""
    with contextlib.suppress(OSError):  # a read-only cache still serves the model
        os.utime(directory)


def prune_stale_models(root: Path, keep: Path) -> list[Path]:
    """Delete bundled-model folders under ``root`` (named as :func:`bundled_model_dir`
    names them, holding a ``txcat.json``) that no install has loaded for
    :data:`STALE_AFTER_SECONDS`, but ``keep``; nothing else is ever touched, since
    ``$TXCAT_CACHE_DIR`` may be a folder the user shares with other things.

    Each code change or upgrade keys a new folder (:func:`bundled_model_dir`), so old
    ones would pile up; a folder another install still loads is touched at each load
    and stays.
    """
    cutoff = time.time() - STALE_AFTER_SECONDS
    removed = []
    for folder in root.glob("*-bundled-*"):
        if not _BUNDLED_NAME.fullmatch(folder.name) or folder == keep:
            continue
        try:
            stale = (folder / "txcat.json").is_file() and folder.stat().st_mtime < cutoff
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
            logger.info("removed the unused cached model %s", folder)
    return removed
