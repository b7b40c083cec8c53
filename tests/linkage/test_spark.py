"""The same saved model on Apache Spark (a local session) gives the same scored pairs and the
same clusters as on DuckDB. Spark takes half a minute to start and run, so this is the one
Spark test, and it runs once (with the SQLite pass: it touches no database)."""

from __future__ import annotations

import shutil

import pytest

from accord.linkage.pipeline import LinkResult, link
from accord.linkage.service import SHIPPED_MODEL_RECORDS, shipped_model
from tests.linkage.devdata import generate, person_rows


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_gives_the_same_clusters_as_duckdb(request: pytest.FixtureRequest, tmp_path) -> None:
    if request.config.getoption("--db") != "sqlite":
        pytest.skip("runs once, with the SQLite pass")
    rows, _truth = person_rows(generate(tmp_path, persons=500, seed=11))
    saved = shipped_model()
    on_duckdb = link(rows, saved=saved, trained_on=SHIPPED_MODEL_RECORDS)
    on_spark = link(rows, saved=saved, trained_on=SHIPPED_MODEL_RECORDS, engine="spark")
    assert on_spark.clusters == on_duckdb.clusters
    assert any(len(group) > 1 for group in on_spark.clusters)

    def scored(result: LinkResult) -> dict[tuple[str, str], float]:
        return {(p.left, p.right): round(p.match_weight, 6) for p in result.pairs}

    assert scored(on_spark) == scored(on_duckdb)
