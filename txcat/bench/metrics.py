"""Scores for one strategy's predictions, with an interval for accuracy.

A test set of a few hundred rows moves by points when a handful of rows flip, so
accuracy comes with a 95% bootstrap confidence interval: resample the test rows
with replacement, recompute, take the 2.5th and 97.5th percentiles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np


def bootstrap_interval(correct: np.ndarray, *, resamples: int = 2000, seed: int = 0,
                       level: float = 0.95) -> tuple[float, float]:
    """The bootstrap percentile interval of the mean of a 0/1 array."""
    if len(correct) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = correct[rng.integers(0, len(correct), size=(resamples, len(correct)))].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def matrix_with_unanswered(cm: dict[str, Any]) -> tuple[list[str], list[list[int]]]:
    """The confusion matrix's columns and rows as shown, with a 'no answer' column where
    any row got none (older results have no ``unanswered``)."""
    unanswered = cm.get("unanswered") or []
    if not any(unanswered):
        return list(cm["labels"]), [list(row) for row in cm["matrix"]]
    return ([*cm["labels"], "no answer"],
            [[*row, unanswered[i]] for i, row in enumerate(cm["matrix"])])


def score(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str], *,
          seed: int = 0) -> dict[str, Any]:
    """Accuracy (+ interval), macro-F1, per-label P/R/F1/support and the confusion matrix.

    ``labels`` fixes the order of per-label scores and of the matrix's rows
    (truth) and columns (prediction); a predicted label outside it (REVISAR)
    counts as wrong: ``unanswered`` counts such rows, and the matrix's ``unanswered``
    says how many of each true label got no answer, so that the matrix and they add up
    to the test rows. Macro-F1 averages the labels of ``labels`` that occur, true or
    predicted; a row with no answer lowers its true label's recall.
    """
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    y_true, y_pred = np.asarray(truth), np.asarray(predicted)
    correct = (y_true == y_pred).astype(float)
    low, high = bootstrap_interval(correct, seed=seed)
    label_list = list(labels)
    # Per true label, the rows given no answer (REVISAR): outside the matrix's columns.
    unanswered = Counter(t for t, p in zip(truth, predicted, strict=True) if p not in label_list)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=label_list, zero_division=0)
    return {
        "accuracy": float(correct.mean()) if len(correct) else float("nan"),
        "accuracy_ci95": [low, high],
        # Over the labels that occur (true or predicted), as scikit-learn does by
        # default: one absent from both has no F1, and 0 for it would understate.
        "macro_f1": float(f1_score(y_true, y_pred, labels=[
            label for label in label_list if label in set(truth) | set(predicted)]
            or label_list, average="macro", zero_division=0)),
        "per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f),
                    "support": int(s)}
            for label, p, r, f, s in zip(label_list, precision, recall, f1, support,
                                         strict=True)
        },
        "unanswered": sum(unanswered.values()),
        "confusion_matrix": {
            "labels": label_list,
            "matrix": confusion_matrix(y_true, y_pred, labels=label_list).tolist(),
            "unanswered": [unanswered[label] for label in label_list],
        },
    }
