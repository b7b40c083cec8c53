"""Person-linkage benchmark (issue 8): quality, time and memory of Accord's linkage against a
plain Splink baseline, on the same generated agencies' files, in the same run.

    .venv/bin/python bench/linkage.py --persons 40000
    .venv/bin/python bench/linkage.py --persons 1000000 --skip-generate --data /tmp/gen-1m

Generates the agencies' export files with `bench/gen_linkage.py` (or reads `--data`), then runs
each method in a child process of its own (so that peak memory is the method's own):

- `accord`: `accord.linkage.pipeline.link` (names read across scripts, IDs normalised,
  the trained Splink model, clustering without chaining), from the FtM lines to the clusters;
- `baseline`: plain Splink as its documentation sets it up: the default comparisons (name,
  date of birth, exact ID, passport, phone, gender) on the values as given, the same kind of
  training (u by random sampling, m by EM without labels), clusters by connected components at
  the same threshold.

Figures per method: pairwise precision, recall and F1 (pairs of records in one cluster against
pairs of records of one true person); the share of true persons whose records form exactly
one cluster (all their records, nothing else); run time by stage and in total (reading the
files included); peak resident memory. Prints and saves JSON (default
`bench/results/linkage-<persons>.json`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from accord.linkage.model import THRESHOLD  # noqa: E402  (after the path is set)


def _persons(data: Path) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
    """(qualified id, agency code, properties) of every Person line of every agency file."""
    for path in sorted(data.glob("*.jsonl")):
        if path.stem in ("truth", "cases"):
            continue
        code = path.stem.removeprefix("records-")
        with path.open(encoding="utf-8") as fp:
            for line in fp:
                if '"Person"' not in line:
                    continue
                entity = json.loads(line)
                if entity.get("schema") == "Person":
                    yield f"{code}:{entity['id']}", code, entity.get("properties", {})


def _truth(data: Path) -> dict[str, str]:
    with (data / "truth.jsonl").open(encoding="utf-8") as fp:
        return {row["record"]: row["person"] for row in map(json.loads, fp)}


def score(clusters: list[list[str]], truth: dict[str, str]) -> dict[str, Any]:
    """Pairwise precision, recall and F1, and the share of persons clustered exactly."""
    by_person: dict[str, set[str]] = defaultdict(set)
    for record, person in truth.items():
        by_person[person].add(record)
    true_pairs = sum(len(r) * (len(r) - 1) // 2 for r in by_person.values())
    predicted = correct = 0
    exact = 0
    for group in clusters:
        n = len(group)
        predicted += n * (n - 1) // 2
        counts: dict[str, int] = defaultdict(int)
        for record in group:
            counts[truth[record]] += 1
        correct += sum(c * (c - 1) // 2 for c in counts.values())
        if len(counts) == 1:
            person = next(iter(counts))
            exact += len(by_person[person]) == n
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "persons_in_exactly_one_cluster": round(exact / len(by_person), 4),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
        "persons": len(by_person),
        "records": len(truth),
        "clusters": len(clusters),
    }


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def run_accord(data: Path, engine: str) -> dict[str, Any]:
    from accord.linkage.features import person_features
    from accord.linkage.pipeline import link

    started = time.perf_counter()
    rows = [person_features(uid, code, props) for uid, code, props in _persons(data)]
    read = time.perf_counter() - started
    result = link(rows, engine=engine, threshold=THRESHOLD)
    total = time.perf_counter() - started
    return {
        "clusters": result.clusters,
        "seconds": {"read_and_features": round(read, 1)}
        | {k: round(v, 1) for k, v in result.seconds.items()}
        | {"total": round(total, 1)},
        "pairs_scored": len(result.pairs),
    }


def run_baseline(data: Path) -> dict[str, Any]:
    """Plain Splink: default comparisons on the values as given."""
    import logging

    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    columns: dict[str, list[Any]] = {
        k: [] for k in ("unique_id", "name", "dob", "id_number", "passport", "phone", "gender")
    }

    def first(props: dict[str, list[str]], key: str) -> str | None:
        values = props.get(key) or []
        return values[0] if values else None

    for uid, _code, props in _persons(data):
        columns["unique_id"].append(uid)
        columns["name"].append(first(props, "name"))
        columns["dob"].append(first(props, "birthDate"))
        columns["id_number"].append(first(props, "idNumber"))
        columns["passport"].append(first(props, "passportNumber"))
        columns["phone"].append(first(props, "phone"))
        columns["gender"].append(first(props, "gender"))
    read = time.perf_counter() - started
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("id_number"),
            cl.ExactMatch("passport"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("gender"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name"),
            block_on("id_number"),
            block_on("passport"),
            block_on("phone"),
            block_on("dob", "substr(name, 1, 1)"),
        ],
    )
    api = DuckDBAPI()
    frame = api.register(pa.table(columns), table_name="persons")
    linker = Linker(frame, settings, log_level=logging.ERROR)
    mark = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match([block_on("id_number")], 0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=7)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name", "dob"))
    train = time.perf_counter() - mark
    mark = time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=THRESHOLD)
    predict = time.perf_counter() - mark
    mark = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, THRESHOLD)
    groups: dict[Any, list[str]] = defaultdict(list)
    table = clustered.as_pyarrow_table()
    for uid, cid in zip(
        table.column("unique_id").to_pylist(), table.column("cluster_id").to_pylist(), strict=True
    ):
        groups[cid].append(uid)
    cluster_time = time.perf_counter() - mark
    total = time.perf_counter() - started
    return {
        "clusters": list(groups.values()),
        "seconds": {
            "read": round(read, 1),
            "train": round(train, 1),
            "predict": round(predict, 1),
            "cluster": round(cluster_time, 1),
            "total": round(total, 1),
        },
    }


def _child(method: str, data: Path, engine: str, out: Path) -> None:
    result = run_accord(data, engine) if method == "accord" else run_baseline(data)
    figures = score(result.pop("clusters"), _truth(data))
    result.update(figures)
    result["peak_rss_mb"] = _peak_mb()
    out.write_text(json.dumps(result), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=40_000, help="Person records in all.")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--data", type=Path, help="Directory of the generated files.")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--methods", default="accord,baseline")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.data, args.engine, args.child_out)
        return
    data = args.data or Path(tempfile.mkdtemp(prefix=f"linkage-{args.persons}-"))
    generated: dict[str, Any] = {}
    if not args.skip_generate:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "gen_linkage.py"),
                "--persons",
                str(args.persons),
                "--seed",
                str(args.seed),
                "--out",
                str(data),
            ],
            check=True,
        )
        generated["seconds"] = round(time.perf_counter() - started, 1)
    summary_path = data / "summary.json"
    if summary_path.exists():
        generated["summary"] = json.loads(summary_path.read_text(encoding="utf-8"))
    report: dict[str, Any] = {
        "persons": args.persons,
        "seed": args.seed,
        "threshold": THRESHOLD,
        "engine": args.engine,
        "machine": {"cpus": os.cpu_count()},
        "data": generated,
        "methods": {},
    }
    for method in args.methods.split(","):
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        command = [
            sys.executable,
            __file__,
            "--child",
            method,
            "--data",
            str(data),
            "--engine",
            args.engine,
            "--child-out",
            str(out),
        ]
        print(f"== {method} on {args.persons} person records", flush=True)
        subprocess.run(command, check=True)
        report["methods"][method] = json.loads(out.read_text(encoding="utf-8"))
        out.unlink()
        print(json.dumps(report["methods"][method], indent=2), flush=True)
    if {"accord", "baseline"} <= report["methods"].keys():
        a, b = report["methods"]["accord"], report["methods"]["baseline"]
        report["f1_above_baseline"] = round(a["f1"] - b["f1"], 4)
        report["targets"] = {
            "f1_at_least_0.95": a["f1"] >= 0.95,
            "f1_above_baseline_by_0.05": a["f1"] - b["f1"] >= 0.05,
        }
        if args.persons >= 1_000_000:
            report["targets"]["one_million_within_15_minutes"] = a["seconds"]["total"] <= 900
    out_path = args.out or ROOT / "bench" / "results" / f"linkage-{args.persons}.json"
    out_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "methods"}, indent=2))
    print(f"saved {out_path}")


if __name__ == "__main__":
    main()
