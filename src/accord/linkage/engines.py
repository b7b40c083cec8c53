"""Where Splink runs: DuckDB in-process by default, Apache Spark for deployments that outgrow
one machine. Both take the same feature columns and the same saved model and hand back the
scored pairs as plain Python rows, so clustering and storage do not know which ran.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, Linker

from accord.linkage import model

ENGINES = ("duckdb", "spark")
_COMPARISONS = ("name", "birth_date", "resident_id", "passport", "phone", "gender")
_ARRAYS = ("name_exact", "name_sound", "phones")

# Splink logs its training at INFO and "not fully trained" notes at WARNING on every run.
logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ScoredPair:
    left: str
    right: str
    match_weight: float
    probability: float
    # (comparison, level label, match weight of the level incl. term frequency) per field
    fields: tuple[tuple[str, str, float], ...]


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot start here (Spark without Java, say)."""


def _arrow(columns: dict[str, list[Any]]) -> pa.Table:
    string_list = pa.list_(pa.string())
    schema = pa.schema(
        [
            (name, string_list if name in _ARRAYS else pa.string())
            for name in columns
            if name != "rid_valid"
        ]
        + [("rid_valid", pa.bool_())]
    )
    return pa.table(columns, schema=schema)


@contextmanager
def spark_session() -> Iterator[Any]:
    """A local Spark session set up as Splink needs it (its similarity functions' jar, a
    checkpoint directory), bound to the loopback interface, without its web UI."""
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - pyspark is part of the dev install
        raise EngineUnavailable("the spark engine needs pyspark installed") from exc
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with tempfile.TemporaryDirectory(prefix="accord-spark-") as tmp:
        spark = (
            SparkSession.builder.master(os.environ.get("ACCORD_SPARK_MASTER", "local[2]"))
            .appName("accord-linkage")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.jars", similarity_jar_location())
            .config("spark.driver.memory", os.environ.get("ACCORD_SPARK_MEMORY", "2g"))
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(tmp)
        try:
            yield spark
        finally:
            spark.stop()


class Engine:
    """One Splink database API with the persons table registered."""

    def __init__(self, name: str, columns: dict[str, list[Any]], *, spark: Any = None) -> None:
        if name not in ENGINES:
            raise ValueError(f"unknown engine {name!r}; one of {', '.join(ENGINES)}")
        self.name = name
        table = _arrow(columns)
        self.rows = table.num_rows
        if name == "duckdb":
            self.api: Any = DuckDBAPI()
            self.persons = self.api.register(table, table_name="persons")
        else:
            from splink import SparkAPI

            if spark is None:
                raise EngineUnavailable("the spark engine needs a Spark session")
            # Splink's SparkAPI has no annotations.
            self.api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
            frame = spark.createDataFrame(table.to_pylist(), schema=_spark_schema())
            self.persons = self.api.register(frame, table_name="persons")

    def train(self) -> dict[str, Any]:
        """A model trained on the registered persons without labels, as a settings dict."""
        linker = Linker(self.persons, model.settings(), log_level=logging.ERROR)
        training = linker.training
        training.estimate_probability_two_random_records_match([block_on_rid()], recall=0.6)
        training.estimate_u_using_random_sampling(max_pairs=2e6, seed=7)
        for rule in model.training_blocks():
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        saved: dict[str, Any] = linker.misc.save_model_to_json()
        return saved

    def _linker(self, saved: dict[str, Any]) -> Linker:
        settings = model.for_dialect(saved, self.name)
        if self.rows < model.MIN_RECORDS_FOR_TERM_FREQUENCIES:
            settings = model.without_term_frequencies(settings)
        return Linker(self.persons, settings, log_level=logging.ERROR)

    def predict(self, saved: dict[str, Any], *, threshold: float) -> list[ScoredPair]:
        """Every blocked pair at or above `threshold`, scored by the saved model."""
        linker = self._linker(saved)
        frame = linker.inference.predict(threshold_match_probability=threshold)
        return _pairs(frame, saved)

    def predict_new(
        self, saved: dict[str, Any], new_ids: Sequence[str], *, threshold: float
    ) -> list[ScoredPair]:
        """Pairs with at least one record of `new_ids` (incremental linkage): new against the
        rest, and new against new, without comparing the rest among themselves again."""
        linker = self._linker(saved)
        # Term frequencies over every record, new and old, as a full run would count them.
        if self.rows >= model.MIN_RECORDS_FOR_TERM_FREQUENCIES:
            for column in ("hanzi", "name_main"):
                linker.table_management.compute_tf_table(column)
        ids = set(new_ids)
        table = self.persons.as_pyarrow_table()  # type: ignore[no-untyped-call]
        mask = [uid in ids for uid in table.column("unique_id").to_pylist()]
        fresh = pa.compute.filter(table, pa.array(mask))
        rest = pa.compute.filter(table, pa.compute.invert(pa.array(mask)))
        if self.name == "duckdb":
            new_df = self.api.register(fresh, table_name="persons_new")
            old_df = self.api.register(rest, table_name="persons_old")
        else:  # pragma: no cover - the Spark test runs full linkage only
            spark = self.api.spark
            new_df = self.api.register(
                spark.createDataFrame(fresh.to_pylist(), schema=_spark_schema()),
                table_name="persons_new",
            )
            old_df = self.api.register(
                spark.createDataFrame(rest.to_pylist(), schema=_spark_schema()),
                table_name="persons_old",
            )
        pairs: list[ScoredPair] = []
        if rest.num_rows:
            between = linker.inference.predict_between(
                old_df, new_df, threshold_match_probability=threshold
            )
            pairs += _pairs(between, saved)
        within = linker.inference.predict_within(new_df, threshold_match_probability=threshold)
        pairs += _pairs(within, saved)
        return pairs


def block_on_rid() -> Any:
    from splink import block_on

    return block_on("rid")


def _spark_schema() -> Any:
    from pyspark.sql.types import ArrayType, BooleanType, StringType, StructField, StructType

    fields = [
        StructField(
            name,
            ArrayType(StringType())
            if name in ("name_exact", "name_sound", "phones")
            else StringType(),
        )
        for name in model_columns()
    ]
    return StructType([*fields, StructField("rid_valid", BooleanType())])


def model_columns() -> tuple[str, ...]:
    from accord.linkage.features import COLUMNS

    return COLUMNS


def _labels(saved: dict[str, Any]) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in saved["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        count = len(levels)
        labels[comparison["output_column_name"]] = {
            count - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(levels)
        }
    return labels


def _pairs(frame: Any, saved: dict[str, Any]) -> list[ScoredPair]:
    labels = _labels(saved)
    out: list[ScoredPair] = []
    for row in frame.as_record_list():
        fields: list[tuple[str, str, float]] = []
        for name in _COMPARISONS:
            gamma = row.get(f"gamma_{name}")
            if gamma is None or gamma == -1:
                continue
            weight = float(row.get(f"mw_{name}") or 0.0)
            weight += float(row.get(f"mw_tf_adj_{name}") or 0.0)
            fields.append((name, labels.get(name, {}).get(int(gamma), ""), round(weight, 3)))
        out.append(
            ScoredPair(
                str(row["unique_id_l"]),
                str(row["unique_id_r"]),
                float(row["match_weight"]),
                float(row["match_probability"]),
                tuple(fields),
            )
        )
    frame.drop_table_from_database_and_remove_from_cache()
    return out


def prior_weight(saved: dict[str, Any]) -> float:
    """The match weight every pair starts from: log2 of the prior odds of a match."""
    p = float(saved["probability_two_random_records_match"])
    return math.log2(p / (1 - p))
