"""Spark integration: on a local Spark, the labels and confidences of one process, row
for row, with the model loaded once per Python worker process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("pyspark")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime and there is no 'java' on PATH",
                allow_module_level=True)

from txcat.default_model import bundled_training_data  # noqa: E402
from txcat.errors import ModelError  # noqa: E402
from txcat.integrations.batches import BatchClassifier  # noqa: E402
from txcat.integrations.spark import classifier_udf, classify_dataframe  # noqa: E402
from txcat.modeldir import save_model  # noqa: E402
from txcat.strategies.tfidf import TfidfStrategy  # noqa: E402

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

pytestmark = pytest.mark.slow

ROTATED = {"LAZER": "NECESSIDADE", "NECESSIDADE": "TRABALHO", "TRABALHO": "LAZER"}


@pytest.fixture(scope="module")
def spark(session_cache: Path) -> Iterator[SparkSession]:
    from pyspark.sql import SparkSession

    session = None
    with pytest.MonkeyPatch.context() as env:
        # Workers run this interpreter (where txcat is installed), and the default model
        # is cached where the tests cache it, never in the user's cache.
        env.setenv("PYSPARK_PYTHON", sys.executable)
        try:
            session = (SparkSession.builder.master("local[2]").appName("txcat-tests")
                       .config("spark.ui.enabled", "false")
                       .config("spark.sql.shuffle.partitions", "2")
                       .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                       .config("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
                       .config("spark.executorEnv.TXCAT_CACHE_DIR", str(session_cache))
                       .getOrCreate())
            session.sparkContext.setLogLevel("ERROR")
            yield session
        finally:
            if session is not None:
                session.stop()


@pytest.fixture(scope="module")
def corpus() -> Any:
    """The samples corpus (7,040 rows) as pandas, with an explicit row key."""
    data = bundled_training_data()
    return pd.DataFrame({"key": range(len(data.transactions)),
                         "description": [tx.description for tx in data.transactions],
                         "amount": [tx.amount for tx in data.transactions]})


@pytest.fixture(scope="module")
def corpus_df(spark: SparkSession, corpus: Any) -> DataFrame:
    # Spread over several partitions, in another order than the rows.
    return spark.createDataFrame(corpus, "key long, description string, amount double") \
        .repartition(4)


def small_tfidf(directory: Path, *, rotate: bool = False) -> str:
    """A text-only tfidf model fitted on 352 corpus rows (every 20th), saved as a model
    directory; ``rotate`` learns every label as another one, so its answers differ."""
    data = bundled_training_data()
    labels = [ROTATED[label] if rotate else label for label in data.labels[::20]]
    model = TfidfStrategy(directory=False).fit(data.transactions[::20], labels)
    return str(save_model(model, directory))


@pytest.fixture(scope="module")
def tfidf_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return small_tfidf(tmp_path_factory.mktemp("spark") / "tfidf-model")


def assert_same_rows(spark_rows: Any, expected: Any) -> None:
    """Joined on the key: nothing lost or duplicated, same labels, same confidences."""
    assert len(spark_rows) == len(expected)
    assert spark_rows["key"].is_unique
    both = expected.merge(spark_rows, on="key", how="outer", suffixes=("_one", "_spark"),
                          validate="one_to_one", indicator=True)
    assert (both["_merge"] == "both").all()
    one, other = both["description_one"], both["description_spark"]
    assert ((one == other) | (one.isna() & other.isna())).all()
    differ = both[both["label_one"] != both["label_spark"]]
    assert differ.empty, differ[["key", "description_one", "label_one", "label_spark"]]
    assert (both["confidence_one"] - both["confidence_spark"]).abs().max() <= 1e-9


@pytest.mark.parametrize(("model", "threshold"), [("default", None), ("tfidf", None),
                                                  ("tfidf", 0.8)])
def test_labels_every_row_as_one_process_does(spark: SparkSession, corpus: Any,
                                              corpus_df: DataFrame, tfidf_model: str,
                                              model: str, threshold: float | None) -> None:
    model_dir = None if model == "default" else tfidf_model
    expected = BatchClassifier(model_dir, threshold=threshold)(corpus)  # also caches the default
    labeled = classify_dataframe(corpus_df, model_dir, threshold=threshold)
    assert labeled.columns == ["key", "description", "amount", "label", "confidence"]
    rows: Any = labeled.toPandas()
    assert_same_rows(rows, expected)
    assert len(expected) == 7040
    if threshold is not None:
        assert 0 < (rows["label"] == "REVISAR").sum() < len(rows)


def test_the_model_is_loaded_once_per_worker_process(spark: SparkSession, corpus_df: DataFrame,
                                                     tfidf_model: str, tmp_path: Path) -> None:
    model_dir = str(shutil.copytree(tfidf_model, tmp_path / "model"))  # no worker has it yet
    events = str(tmp_path / "events")

    def probe(predictions):  # no annotations: Spark would read them
        """Chained after the txcat UDF, so run by the same worker process on every batch:
        notes each batch, and each model object this process has not shown before."""
        from pyspark import TaskContext

        from txcat.integrations import spark as integration

        model = integration._CLASSIFIERS[(model_dir, None)][1]._model
        with open(events, "a", encoding="utf-8") as log:
            where = f"{os.getpid()} {TaskContext.get().partitionId()}"  # type: ignore[union-attr]
            if not hasattr(model, "seen_by_test"):
                model.seen_by_test = True
                log.write(f"model {where}\n")
            log.write(f"batch {where}\n")
        return predictions["label"]

    from pyspark.sql.functions import pandas_udf

    after = pandas_udf(probe, returnType="string")  # type: ignore[call-overload]
    predict = classifier_udf(model_dir)
    df = corpus_df.repartition(8)
    labels: Any = df.select(after(predict(df.description, df.amount)).alias("label")).toPandas()
    assert len(labels) == 7040 and labels["label"].notna().all()

    lines = [line.split() for line in Path(events).read_text(encoding="utf-8").splitlines()]
    batches = Counter(pid for event, pid, _ in lines if event == "batch")
    models = Counter(pid for event, pid, _ in lines if event == "model")
    tasks = Counter(pid for pid, _ in {(pid, task) for _, pid, task in lines})
    assert sum(batches.values()) >= 8 and max(tasks.values()) >= 2, tasks  # reuse happened
    assert models == Counter(dict.fromkeys(batches, 1)), (models, batches, tasks)


def test_a_model_saved_again_in_the_same_directory_is_loaded_again(
        spark: SparkSession, corpus: Any, tmp_path: Path) -> None:
    model_dir = small_tfidf(tmp_path / "model")
    sample = corpus.iloc[::50]
    df = spark.createDataFrame(sample, "key long, description string, amount double")
    before: Any = classify_dataframe(df, model_dir).toPandas()
    assert_same_rows(before, BatchClassifier(model_dir)(sample))

    small_tfidf(tmp_path / "model", rotate=True)  # the same workers, a retrained model
    after: Any = classify_dataframe(df, model_dir).toPandas()
    assert_same_rows(after, BatchClassifier(model_dir)(sample))
    assert (after.sort_values("key")["label"].to_numpy()
            != before.sort_values("key")["label"].to_numpy()).mean() > 0.9


def test_nulls_other_column_names_and_no_amount(spark: SparkSession) -> None:
    rows = pd.DataFrame({"key": [1, 2, 3, 4],
                         "historico": ["UBER *TRIP", "PADARIA PAO QUENTE", None, "SALARIO"],
                         "valor": [-23.5, None, -5.0, 3000.0]})
    df = spark.createDataFrame(rows, "key long, historico string, valor double")
    for amount in ("valor", None):
        expected = BatchClassifier(description="historico", amount=amount)(rows)
        labeled: Any = classify_dataframe(df, description="historico", amount=amount).toPandas()
        assert_same_rows(labeled.rename(columns={"historico": "description"}),
                         expected.rename(columns={"historico": "description"}))


def test_bad_arguments_fail_on_the_driver_with_a_message(spark: SparkSession,
                                                         corpus_df: DataFrame) -> None:
    with pytest.raises(ValueError, match="column 'descricao' not found; columns are: key, "):
        classify_dataframe(corpus_df, description="descricao")
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        classifier_udf(threshold=70)
    # Was found only when rows were collected, as a worker's traceback inside Spark's.
    with pytest.raises(ModelError, match="/no/such/model: no such model directory"):
        classify_dataframe(corpus_df, "/no/such/model")


def test_importing_the_module_does_not_import_pyspark() -> None:
    code = ("import sys, txcat.integrations.spark; "
            "assert 'pyspark' not in sys.modules and 'pandas' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
