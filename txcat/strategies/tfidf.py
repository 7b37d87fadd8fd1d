"""``tfidf``: character and word n-grams with a logistic regression (scikit-learn).

Fast to train (about a second on thousands of rows), fast to run, and strong on
merchants it has seen. Two things help it on merchants it has not seen:
character n-grams catch kind-words inside names ('PANIFICADORA', 'AUTO POSTO'),
and, with ``directory=True``, tokens naming the label and kind of any merchant
directory entry found in the description.

Saved as JSON (vocabularies, settings) plus a NumPy ``.npz`` of plain float
arrays read with ``allow_pickle=False``: loading a model runs no code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from txcat.errors import StrategyError
from txcat.hookspecs import hookimpl
from txcat.strategies.base import Strategy, check_saved_labels, validate_training
from txcat.text import clean_description
from txcat.transactions import Transaction

if TYPE_CHECKING:
    import numpy as np

STATE_JSON = "tfidf.json"
STATE_ARRAYS = "tfidf.npz"


class TfidfStrategy(Strategy):
    """TF-IDF (char 2-5 + word 1-2 n-grams) + logistic regression."""

    name = "tfidf"
    description = ("TF-IDF char+word n-grams and logistic regression (scikit-learn); "
                   "uses the merchant directory as features")
    requires = ("sklearn",)

    def __init__(self, *, C: float = 10.0, directory: bool = True, char_ngrams: int = 5,
                 word_ngrams: int = 2, min_df: int = 1) -> None:
        super().__init__(C=C, directory=directory, char_ngrams=char_ngrams,
                         word_ngrams=word_ngrams, min_df=min_df)
        self.C = C
        self.directory = directory
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.min_df = min_df

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        def integer_from(name: str, low: int) -> None:
            value = params.get(name, low)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise StrategyError(f"tfidf: {name} must be an integer from {low} up, "
                                    f"not {value!r}")

        c = params.get("C", 1.0)
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not 0 < c < float("inf"):
            raise StrategyError(f"tfidf: C must be a positive number, not {c!r}")
        if not isinstance(params.get("directory", True), bool):
            raise StrategyError(f"tfidf: directory must be true or false, not "
                                f"{params['directory']!r}")
        integer_from("char_ngrams", 2)
        integer_from("word_ngrams", 1)
        integer_from("min_df", 1)

    # -- features ---------------------------------------------------------------------
    def _texts(self, transactions: Sequence[Transaction]) -> tuple[list[str], list[str]]:
        """The text the char n-grams read, and the text (plus tokens) the words read."""
        matcher = None
        if self.directory:
            from txcat.merchants import default_matcher

            matcher = default_matcher()
        chars, words = [], []
        for tx in transactions:
            clean = clean_description(tx.description)
            extra = [f"__{tx.direction}"] if tx.direction else []
            if matcher is not None:
                extra += matcher.feature_tokens(tx.description)
            chars.append(clean)
            words.append(" ".join([clean, *extra]))
        return chars, words

    def _vectorizers(self) -> tuple[Any, Any]:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, self.char_ngrams),
                               min_df=self.min_df, sublinear_tf=True, dtype=np.float32)
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, self.word_ngrams),
                               token_pattern=r"\S+", min_df=self.min_df, sublinear_tf=True,
                               dtype=np.float32)
        return char, word

    def _features(self, transactions: Sequence[Transaction]) -> Any:
        from scipy.sparse import hstack

        chars, words = self._texts(transactions)
        return hstack([self.char_.transform(chars), self.word_.transform(words)]).tocsr()

    # -- the estimator contract -------------------------------------------------------
    def fit(self, transactions: Sequence[Transaction], labels: Sequence[str]) -> TfidfStrategy:
        import numpy as np
        from scipy.sparse import hstack
        from sklearn.linear_model import LogisticRegression

        validate_training(transactions, labels)
        if self.min_df > len(transactions):  # scikit-learn would say 'max_df < min_df'
            raise StrategyError(f"tfidf: min_df {self.min_df} is more than the "
                                f"{len(transactions)} training rows; no word would be kept")
        self.char_, self.word_ = self._vectorizers()
        chars, words = self._texts(transactions)
        try:
            features = hstack([self.char_.fit_transform(chars),
                               self.word_.fit_transform(words)]).tocsr()
        except ValueError as exc:  # scikit-learn: '... Try a lower min_df or a higher max_df'
            if "no terms remain" not in str(exc) or self.min_df <= 1:
                raise
            raise StrategyError(f"tfidf: min_df {self.min_df} keeps no word: none is in "
                                f"{self.min_df} of the {len(transactions)} training rows; "
                                "use a lower min_df") from None
        classes = sorted(set(labels))
        self.labels_ = classes
        if len(classes) == 1:  # nothing to separate: always answer the one label
            self.coef_ = np.zeros((1, features.shape[1]), dtype=np.float32)
            self.intercept_ = np.zeros(1, dtype=np.float32)
            return self
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit(features, list(labels))
        self.labels_ = [str(c) for c in model.classes_]
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        return self

    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        import numpy as np

        self.check_fitted()
        if not transactions:
            return np.zeros((0, len(self.labels_)))
        if len(self.labels_) == 1:
            return np.ones((len(transactions), 1))
        scores = self._features(transactions) @ self.coef_.T + self.intercept_
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape[1] == 1:  # binary logistic regression: one column of log-odds
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - p, p])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    # -- persistence -----------------------------------------------------------------
    def save(self, directory: Path) -> None:
        import numpy as np

        self.check_fitted()
        state = {
            # The weights' rows follow these labels: kept to check the manifest's order.
            "labels": list(self.labels_),
            "char_vocabulary": {k: int(v) for k, v in self.char_.vocabulary_.items()},
            "word_vocabulary": {k: int(v) for k, v in self.word_.vocabulary_.items()},
        }
        (directory / STATE_JSON).write_text(json.dumps(state, ensure_ascii=False),
                                            encoding="utf-8")
        np.savez_compressed(directory / STATE_ARRAYS, char_idf=self.char_.idf_,
                            word_idf=self.word_.idf_, coef=self.coef_,
                            intercept=self.intercept_)

    @classmethod
    def load(cls, directory: Path, params: dict[str, Any], labels: list[str]) -> TfidfStrategy:
        import numpy as np

        strategy = cls(**params)
        state = json.loads((directory / STATE_JSON).read_text(encoding="utf-8"))
        with np.load(directory / STATE_ARRAYS, allow_pickle=False) as arrays:
            char_vocabulary = state["char_vocabulary"]
            word_vocabulary = state["word_vocabulary"]
            char_idf, word_idf = arrays["char_idf"], arrays["word_idf"]
            coef, intercept = arrays["coef"], arrays["intercept"]
        # Models saved before the labels were kept here cannot be checked this way.
        if "labels" in state:
            check_saved_labels(directory, state["labels"], labels)
        for name, vocabulary in (("char", char_vocabulary), ("word", word_vocabulary)):
            # Each term's column, 0 to n - 1, once each: else a crash or a wrong weight.
            columns = list(vocabulary.values())
            if not all(type(c) is int for c in columns) or \
                    sorted(columns) != list(range(len(columns))):
                raise ValueError(f"the {name} vocabulary's columns are not 0 to "
                                 f"{len(vocabulary) - 1}, once each")
        # Every shape must agree, or predictions would be silently wrong (or crash later).
        features = len(char_vocabulary) + len(word_vocabulary)
        rows = 1 if len(labels) <= 2 else len(labels)
        if (char_idf.shape != (len(char_vocabulary),) or word_idf.shape != (len(word_vocabulary),)
                or coef.shape != (rows, features) or intercept.shape != (rows,)):
            raise ValueError(f"weights of shape {coef.shape} do not fit {len(labels)} labels "
                             f"and {features} features")
        for name, array in (("char_idf", char_idf), ("word_idf", word_idf), ("coef", coef),
                            ("intercept", intercept)):
            # Text or NaN weights would crash prediction or answer 'nan' confidences.
            if array.dtype.kind != "f" or not np.isfinite(array).all():
                raise ValueError(f"{name} holds values that are not finite numbers")
        strategy.char_, strategy.word_ = strategy._vectorizers()
        strategy.char_.vocabulary_ = char_vocabulary
        strategy.char_.idf_ = char_idf
        strategy.word_.vocabulary_ = word_vocabulary
        strategy.word_.idf_ = word_idf
        strategy.coef_, strategy.intercept_ = coef, intercept
        strategy.labels_ = list(labels)
        return strategy


@hookimpl
def register_strategies(register: Callable[[type[Strategy]], None]) -> None:
    register(TfidfStrategy)
