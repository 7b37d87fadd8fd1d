"""BatchClassifier, the code Ray and Spark both run on pandas batches."""

from __future__ import annotations

import logging

import pytest

pd = pytest.importorskip("pandas")

from txcat.integrations.batches import BatchClassifier  # noqa: E402


def test_a_batch_keeps_its_own_label_column_beside_txcat_s() -> None:
    """A DataFrame of labeled rows (to compare with txcat) must not lose its labels."""
    batch = pd.DataFrame({"description": ["Compra no débito - Mercado Econômico"],
                          "amount": [-30.5], "label": ["LAZER"], "confidence": ["alta"]})
    out = BatchClassifier()(batch)
    assert out["label"].tolist() == ["LAZER"] and out["confidence"].tolist() == ["alta"]
    assert out["txcat_label"].tolist() == ["NECESSIDADE"]
    assert 0.0 < out["txcat_confidence"].iloc[0] <= 1.0
    plain = BatchClassifier()(batch[["description", "amount"]])
    assert plain["label"].tolist() == ["NECESSIDADE"]


def test_amounts_written_as_text_are_read_as_the_statement_reader_reads_them(
        caplog: pytest.LogCaptureFixture) -> None:
    batch = pd.DataFrame({"description": ["a", "b", "c", "d"],
                          "amount": ["-30,50", "R$ 3.200,00", None, "trinta"]})
    with caplog.at_level(logging.WARNING, logger="txcat"):
        txs = BatchClassifier().transactions(batch)
    assert [t.amount for t in txs] == [-30.5, 3200.0, None, None]
    assert "1 amount not understood ('trinta'); read as no amount" in caplog.text
