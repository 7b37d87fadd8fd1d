"""The classic overfitting guard: stop when validation loss stops falling.

Kept apart from any training loop so the rule itself is tested, and shared by
every strategy that trains for several epochs.
"""

from __future__ import annotations

import math


class EarlyStopping:
    """Track validation losses; say when one improved and when to stop.

    An epoch improves when its loss beats the best so far by more than
    ``min_delta``; training stops after ``patience`` epochs in a row without one.
    """

    def __init__(self, patience: int = 2, min_delta: float = 1e-4) -> None:
        self.patience = patience
        self.min_delta = min_delta
        self.best = math.inf
        self.best_epoch = 0
        self.epoch = 0
        self.stale = 0

    def update(self, loss: float) -> tuple[bool, bool]:
        """``(improved, stop)`` after one more epoch's validation loss."""
        self.epoch += 1
        if loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.stale = loss, self.epoch, 0
            return True, False
        self.stale += 1
        return False, self.stale >= self.patience
