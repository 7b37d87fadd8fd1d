"""Which rows go to the validation file: stratified by label, optionally whole merchants.

Stratifying keeps each label's share the same in both files, so validation loss
means the same thing for every label. Grouping by counterpart
(:func:`txcat.counterpart.counterpart`) keeps every validation merchant out of
training, as a user's new merchants would be; otherwise a model that memorised
'POSTO SHELL' would look better on validation than it is.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence

from txcat.export.errors import ExportError
from txcat.wording import counted

logger = logging.getLogger(__name__)


def validation_split(labels: Sequence[str], groups: Sequence[str] | None = None,
                     size: float = 0.1, seed: int = 0) -> tuple[list[int], list[int]]:
    """``(train, validation)`` row indices, each sorted, for rows labeled ``labels``.

    Without ``groups`` the validation side holds ``ceil(size * n)`` rows and each
    label's share matches the whole (scikit-learn's ``StratifiedShuffleSplit``).
    With ``groups`` no group is on both sides; scikit-learn's
    ``StratifiedGroupKFold`` with ``round(1 / size)`` folds balances the labels as
    well as whole groups allow, and the fold nearest ``size * n`` rows is taken,
    so the size is approximate (over 0.5, that fold is the training side, taken at
    ``1 - size``). The same ``seed`` gives the same split.
    """
    n = len(labels)
    if not 0.0 < size < 1.0:
        raise ExportError(f"the validation size must be between 0 and 1, not {size}")
    if groups is not None and len(groups) != n:
        raise ExportError(f"{len(groups)} groups given for {n} rows")
    if n < 2:
        raise ExportError(f"{counted(n, 'labeled row')} {'is' if n == 1 else 'are'} too few to "
                          "split off a validation file")
    counts = Counter(labels)
    rare = sorted(label for label, count in counts.items() if count < 2)
    if rare:
        raise ExportError(f"label {rare[0]} has only 1 row: a stratified validation split "
                          "needs at least 2 rows of each label; label more rows or drop the "
                          "validation file")
    if groups is None:
        train, validation = _stratified(labels, size, seed)
    elif size > 0.5:  # folds of 1/size rows cannot make a side over half: split off training
        validation, train = _stratified_groups(labels, groups, 1.0 - size, seed)
    else:
        train, validation = _stratified_groups(labels, groups, size, seed)
    if not train or not validation:
        raise ExportError("the validation split left an empty file; change the validation size")
    share = len(validation) / n
    if groups is not None and abs(share - size) > 0.05:
        logger.warning("the merchant-grouped validation file holds %.0f%% of the rows "
                       "(--validation-size %g): whole merchants in label-balanced folds allow "
                       "no nearer size", 100 * share, size)
    return sorted(train), sorted(validation)


def _stratified(labels: Sequence[str], size: float, seed: int) -> tuple[list[int], list[int]]:
    import numpy as np
    from sklearn.model_selection import StratifiedShuffleSplit

    n = len(labels)
    n_validation = math.ceil(size * n)
    classes = len(set(labels))
    if n_validation < classes or n - n_validation < classes:
        raise ExportError(f"a validation size of {size} of {n} rows cannot hold every one of "
                          f"the {classes} labels on both sides; change the validation size")
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=n_validation, random_state=seed)
    train, validation = next(splitter.split(np.zeros(n), list(labels)))
    return train.tolist(), validation.tolist()


def _stratified_groups(labels: Sequence[str], groups: Sequence[str], size: float,
                       seed: int) -> tuple[list[int], list[int]]:
    import warnings

    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    n_groups = len(set(groups))
    folds = max(2, round(1 / size))
    if n_groups < folds:
        raise ExportError(f"{n_groups} merchants are too few for a merchant-grouped validation "
                          f"split of {size}; need at least {folds}, or do not group by merchant")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    target = size * len(labels)
    best: tuple[list[int], list[int]] | None = None
    with warnings.catch_warnings():
        # "The least populated class in y has only N members, which is less than n_splits":
        # fine here, only one fold is used and every label has two rows or more.
        warnings.simplefilter("ignore", UserWarning)
        for train, validation in splitter.split(np.zeros(len(labels)), list(labels),
                                                list(groups)):
            if best is None or abs(len(validation) - target) < abs(len(best[1]) - target):
                best = (train.tolist(), validation.tolist())
    assert best is not None
    missing = set(labels) - {labels[i] for i in best[1]}
    if missing:
        logger.warning("the merchant-grouped validation file has no %s row", ", ".join(
            sorted(missing)))
    return best
