"""One linkage run from feature rows to clusters, independent of the database that holds the
records: train (or take the saved model), score the blocked pairs, cluster without chaining.

The service feeds it the shared Person records and stores what comes back; the benchmark feeds
it agencies' export files directly.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from accord.linkage import clustering, engines, model
from accord.linkage.features import as_columns

# Pairs scored at least this likely are kept with their explanation for analysts to review,
# even when they stay below the linking threshold.
REVIEW_THRESHOLD = 0.5


@dataclass
class LinkResult:
    saved: dict[str, Any]
    pairs: list[engines.ScoredPair]
    clusters: list[list[str]]
    seconds: dict[str, float] = field(default_factory=dict)
    trained: bool = False


def link(
    rows: Sequence[Mapping[str, Any]],
    *,
    engine: str = "duckdb",
    saved: dict[str, Any] | None = None,
    threshold: float = model.THRESHOLD,
    same: Iterable[tuple[str, str]] = (),
    not_same: Iterable[tuple[str, str]] = (),
    new_ids: Sequence[str] | None = None,
    existing: Iterable[Sequence[str]] = (),
    trained_on: int | None = None,
    spark: Any = None,
) -> LinkResult:
    """Cluster `rows` (from `features.person_features`).

    Without `saved` a model is trained on the rows first; a saved model `trained_on` another
    number of records has its prior rescaled to these. With `new_ids`, only pairs involving
    those records are scored and `existing` clusters are kept whole (incremental linkage).
    """
    if saved is not None and trained_on:
        saved = model.rescaled(saved, trained_on, len(rows))
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with ExitStack() as stack:
        if engine == "spark" and spark is None:
            spark = stack.enter_context(engines.spark_session())
        runner = engines.Engine(engine, as_columns(rows), spark=spark)
        seconds["load"] = time.perf_counter() - started
        trained = saved is None
        if saved is None:
            mark = time.perf_counter()
            saved = runner.train()
            seconds["train"] = time.perf_counter() - mark
        mark = time.perf_counter()
        floor = min(REVIEW_THRESHOLD, threshold)
        if new_ids is None:
            pairs = runner.predict(saved, threshold=floor)
        else:
            pairs = runner.predict_new(saved, new_ids, threshold=floor) if new_ids else []
        seconds["predict"] = time.perf_counter() - mark
    mark = time.perf_counter()
    features = {str(row["unique_id"]): row for row in rows}
    edges = [
        clustering.Edge(p.left, p.right, p.match_weight)
        for p in pairs
        if p.probability >= threshold
    ]
    clusters = clustering.cluster(
        list(features), features, edges, same=same, not_same=not_same, existing=existing
    )
    seconds["cluster"] = time.perf_counter() - mark
    return LinkResult(saved, pairs, clusters, seconds, trained)
