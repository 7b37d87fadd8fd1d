"""Label the rows of a Spark DataFrame with a saved txcat model.

Why: people whose statements already live in Spark tables (a data lake, a nightly
job) can label them where they are, instead of exporting CSV files for ``txcat
classify``. The model directory that ``txcat train`` writes (or the default model)
is used as it is, nothing is retrained, and the labels and confidences are those of
one process, row for row (``BatchClassifier`` is the code both run). Each Python
worker process loads the model once and keeps it for every batch and task it runs
(Spark reuses Python workers unless ``spark.python.worker.reuse`` is false), so a
big table costs one model load per worker, not one per batch.

From PySpark::

    from pyspark.sql import SparkSession
    from txcat.integrations.spark import classifier_udf, classify_dataframe

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    df = spark.createDataFrame([("UBER *TRIP", -23.5), ("PADARIA PAO QUENTE", -12.0)],
                               "description string, amount double")
    classify_dataframe(df).show()                               # default model
    classify_dataframe(df, "meu-modelo", threshold=0.7).show()  # 'txcat train' output
    predict = classifier_udf("meu-modelo")                      # or the UDF itself
    df.select("description", predict(df.description, df.amount).label.alias("label")).show()

``model_dir`` is opened by every worker process: on a cluster it must be a path each
worker can read (a shared filesystem, or the same path on every node). Importing
this module does not import pyspark.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from txcat.integrations.batches import BatchClassifier
from txcat.modeldir import MANIFEST

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyspark.sql import Column, DataFrame

#: What the UDF returns for each row.
RESULT_TYPE = "struct<label: string, confidence: double>"

# One BatchClassifier (so one loaded model) per (model_dir, threshold) in each Python
# process, with the version of the model directory it was loaded from.
_CLASSIFIERS: dict[tuple[str | None, float | None], tuple[Any, BatchClassifier]] = {}
_LOCK = threading.Lock()


def _model_version(model_dir: str | None) -> Any:
    """What changes when a model is saved again into ``model_dir`` (save_model swaps the
    whole directory in, so the manifest is a new file)."""
    if not model_dir:
        return None  # the default model is keyed by txcat's version and corpus already
    try:
        stat = os.stat(os.path.join(model_dir, MANIFEST))
    except OSError:
        return None  # loading will report what is wrong
    return stat.st_ino, stat.st_mtime_ns


def cached_classifier(model_dir: str | None, threshold: float | None) -> BatchClassifier:
    """This process's classifier for ``(model_dir, threshold)``, its model loaded once.

    A model saved again into the same directory is loaded again: Spark keeps Python
    workers between jobs, and a retrained model must not be answered by the old one.
    """
    key = (model_dir, threshold)
    version = _model_version(model_dir)
    with _LOCK:
        cached = _CLASSIFIERS.get(key)
        if cached is None or cached[0] != version:
            classifier = BatchClassifier(model_dir, threshold=threshold)
            classifier.model  # noqa: B018 -- load now, once, under the lock
            _CLASSIFIERS[key] = cached = (version, classifier)
    return cached[1]


def classifier_udf(model_dir: str | os.PathLike[str] | None = None, *,
                   threshold: float | None = None) -> Callable[..., Column]:
    """A pandas UDF ``udf(description_column, amount_column)`` returning a struct
    ``label: string, confidence: double`` per row (``RESULT_TYPE``).

    ``model_dir`` is a directory written by ``txcat train`` (None: the default model);
    its manifest is checked here, on the driver.
    Rows whose confidence is below ``threshold`` get the label ``REVISAR``. The amount
    column may hold nulls (or be ``lit(None)``): the amount sign is then unknown.
    """
    from pyspark.sql.functions import pandas_udf

    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold!r}")
    path = None if model_dir is None else os.fspath(model_dir)
    if path is not None:  # here, not in a worker's traceback when the rows are collected
        from txcat.modeldir import read_manifest

        read_manifest(path)

    # No annotations: Spark would read them; without any it makes a scalar pandas UDF.
    # The cache is reached through the module-level ``cached_classifier``, which
    # cloudpickle ships by reference: a module global named here directly (the dict)
    # would be shipped by value, a fresh copy, and a fresh load, for every task.
    def txcat_classify(description, amount):
        import pandas as pd

        batch = pd.DataFrame({"description": description, "amount": amount})
        labeled = cached_classifier(path, threshold)(batch)
        return labeled[["label", "confidence"]].reset_index(drop=True)

    # The ignore is needed where pyspark is installed; unused-ignore where it is not.
    return pandas_udf(txcat_classify, returnType=RESULT_TYPE)  # type: ignore[call-overload,unused-ignore]


def classify_dataframe(df: DataFrame, model_dir: str | os.PathLike[str] | None = None, *,
                       description: str = "description", amount: str | None = "amount",
                       threshold: float | None = None) -> DataFrame:
    """``df`` with ``label`` and ``confidence`` columns added (replaced if present).

    ``amount=None`` labels from the description alone.
    """
    from pyspark.sql import functions as F

    for column in (description, amount):
        if column is not None and column not in df.columns:
            raise ValueError(f"column {column!r} not found; columns are: "
                             f"{', '.join(df.columns)}")
    predict = classifier_udf(model_dir, threshold=threshold)
    amounts = F.col(amount) if amount else F.lit(None).cast("double")
    # The UDF runs once per row: its struct is kept in one column, then split.
    struct = "__txcat_prediction__"
    return (df.withColumn(struct, predict(F.col(description), amounts))
            .withColumn("label", F.col(struct)["label"])
            .withColumn("confidence", F.col(struct)["confidence"])
            .drop(struct))
