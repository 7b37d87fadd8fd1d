"""Strategies: every way txcat can label a transaction, behind one interface."""
