"""``txcat bench``: every strategy fitted and scored on one shared, saved split."""
