"""Crime-series benchmark (issue 9): rings recovered, unrelated cases merged, merges through a
hub and run time of Accord's series discovery against connected components over shared
identifiers, on the same generated agencies' files, in the same run.

    .venv/bin/python bench/series.py --persons 40000
    .venv/bin/python bench/series.py --persons 1000000 --data /tmp/lk1m --skip-generate

Generates the agencies' files with `bench/gen_linkage.py` (or reads `--data`), resolves the
Person records with `accord.linkage.pipeline.link` (its time reported apart; `--clusters FILE`
keeps the clusters for a later run), reads every case with `accord.series.cases.case_nodes`, then
runs

- `accord`: `accord.series.graph.discover` (resolved suspects and shared identifiers weighed by
  kind, hubs found from the data, Leiden on the components);
- `components`: connected components over shared phones, accounts, plates and addresses, without
  resolved persons, with the same automatic hubs removed;
- `components_with_hubs`: the same without removing hubs.

Figures per method, against the generator's `cases.jsonl`: the share of true rings recovered (one
series holds >= 80 % of the ring's cases with purity >= 0.9); series that merge unrelated cases
(cases of two rings, or a ring's and a lone case's, or lone cases, which are unrelated to one
another by construction); series merged through a hub (the generator's public numbers, used only
for scoring: in the evidence of a series, or needed to keep a component connected); run time.
Prints and saves JSON (default `bench/results/series-<persons>.json`).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from accord.linkage.model import THRESHOLD  # noqa: E402  (after the path is set)
from accord.matching.numbers import normalise_phone  # noqa: E402
from accord.series import cases as series_cases  # noqa: E402
from accord.series import graph  # noqa: E402

RECOVERED_SHARE = 0.8
RECOVERED_PURITY = 0.9


def _agency_files(data: Path) -> list[Path]:
    return [p for p in sorted(data.glob("*.jsonl")) if p.stem not in ("truth", "cases")]


def _entities(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fp:
        for line in fp:
            yield json.loads(line)


def _persons(data: Path) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
    """(qualified id, agency code, properties) of every Person line of every agency file."""
    for path in _agency_files(data):
        code = path.stem
        with path.open(encoding="utf-8") as fp:
            for line in fp:
                if '"Person"' not in line:
                    continue
                entity = json.loads(line)
                if entity.get("schema") == "Person":
                    yield f"{code}:{entity['id']}", code, entity.get("properties", {})


def resolve_persons(data: Path, threshold: float) -> tuple[list[list[str]], dict[str, float]]:
    """Person clusters (qualified ids) from Accord's linkage, and its time by stage."""
    from accord.linkage.features import person_features
    from accord.linkage.pipeline import link

    started = time.perf_counter()
    rows = [person_features(uid, code, props) for uid, code, props in _persons(data)]
    read = time.perf_counter() - started
    result = link(rows, threshold=threshold)
    seconds = {"read_and_features": read, **result.seconds}
    seconds["total"] = time.perf_counter() - started
    return result.clusters, seconds


def _rings(data: Path) -> dict[str, str | None]:
    with (data / "cases.jsonl").open(encoding="utf-8") as fp:
        return {row["case"]: row["ring"] for row in map(json.loads, fp)}


def _true_hubs(data: Path) -> set[tuple[str, str]]:
    """The generator's public numbers, normalised (for scoring only: discovery never sees them)."""
    summary = json.loads((data / "summary.json").read_text(encoding="utf-8"))
    return {("phone", p) for n in summary["hub_mentions"] if (p := normalise_phone(n))}


def score(
    groups: Sequence[Sequence[str]],
    rings: dict[str, str | None],
    through_hub: int,
) -> dict[str, Any]:
    """Rings recovered and series that merge unrelated cases, for series (or components)."""
    by_ring: dict[str, set[str]] = defaultdict(set)
    for case, ring in rings.items():
        if ring is not None:
            by_ring[ring].add(case)
    recovered: set[str] = set()
    merging = lone_only = mixed = 0
    for group in groups:
        counts = Counter(rings[c] for c in group)
        if len(counts) > 1 or None in counts:
            merging += 1
            lone_only += set(counts) == {None}
            mixed += set(counts) != {None}
        for ring, n in counts.items():
            if ring is None:
                continue
            if n >= RECOVERED_SHARE * len(by_ring[ring]) and n >= RECOVERED_PURITY * len(group):
                recovered.add(ring)
    ring_cases = sum(len(v) for v in by_ring.values())
    in_series = sum(len(g) for g in groups)
    return {
        "rings": len(by_ring),
        "rings_recovered": len(recovered),
        "rings_recovered_share": round(len(recovered) / max(len(by_ring), 1), 4),
        "series": len(groups),
        "cases_in_series": in_series,
        "ring_cases": ring_cases,
        "series_merging_unrelated_cases": merging,
        "series_merging_unrelated_share": round(merging / max(len(groups), 1), 4),
        "of_which_lone_cases_only": lone_only,
        "of_which_with_ring_cases": mixed,
        "series_merged_through_a_hub": through_hub,
        "largest_series": max((len(g) for g in groups), default=0),
        "missed_rings_sample": sorted(set(by_ring) - recovered)[:10],
    }


def _component_needs_hub(
    members: Sequence[str], nodes: dict[str, graph.CaseNode], true_hubs: set[tuple[str, str]]
) -> bool:
    """Whether the component falls apart once the public numbers link nothing."""
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, case in enumerate(members):
        for ident in nodes[case].identifiers:
            if ident[0] in graph.HUB_KINDS and ident not in true_hubs:
                holders[ident].append(k)
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for found in holders.values():
        for other in found[1:]:
            parent[find(other)] = find(found[0])
    return len({find(k) for k in range(len(members))}) > 1


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rounded(seconds: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in seconds.items()}


def run(data: Path, *, threshold: float, clusters_file: Path | None) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if clusters_file is not None and clusters_file.exists():
        # the clusters of an earlier run on the same data, with that run's linkage figures
        kept = json.loads(clusters_file.read_text(encoding="utf-8"))
        clusters = kept["clusters"]
        report["linkage"] = kept["linkage"] | {"clusters_from": str(clusters_file)}
    else:
        print("== linkage", flush=True)
        clusters, stages = resolve_persons(data, threshold)
        report["linkage"] = {"seconds": _rounded(stages), "peak_rss_mb": _peak_mb()}
        if clusters_file is not None:
            kept = {"linkage": report["linkage"], "clusters": clusters}
            clusters_file.write_text(json.dumps(kept), encoding="utf-8")
    report["linkage"]["clusters"] = len(clusters)
    person_cluster: dict[tuple[str, str], str] = {}
    for k, members in enumerate(clusters):
        for member in members:
            code, _, eid = member.partition(":")
            person_cluster[(code, eid)] = f"c{k}"
    del clusters
    gc.collect()

    print("== cases", flush=True)
    started = time.perf_counter()
    files = {path.stem: _entities(path) for path in _agency_files(data)}
    nodes = series_cases.case_nodes(files, person_cluster)
    read = time.perf_counter() - started
    del person_cluster
    gc.collect()
    rings = _rings(data)
    true_hubs = _true_hubs(data)
    by_id = {n.id: n for n in nodes}
    report["cases"] = {
        "cases": len(nodes),
        "identifiers": sum(len(n.identifiers) for n in nodes),
        "seconds_reading": round(read, 2),
    }

    print("== accord", flush=True)
    started = time.perf_counter()
    found = graph.discover(nodes)
    seconds = time.perf_counter() - started
    groups = [s.cases for s in found.series]
    via_hub = sum(any((e.kind, e.value) in true_hubs for e in s.evidence) for s in found.series)
    accord = score(groups, rings, via_hub)
    accord["cross_regional_series"] = sum(s.cross_regional for s in found.series)
    accord["hubs_found"] = len(found.hubs)
    accord["true_hubs_found"] = len(found.hubs & true_hubs)
    accord["true_hubs"] = len(true_hubs)
    accord["other_identifiers_found_hubs"] = len(found.hubs - true_hubs)
    accord["evidence_paths"] = sum(len(s.evidence) for s in found.series)
    accord["seconds"] = _rounded(found.seconds) | {
        "discover": round(seconds, 2),
        "after_linkage": round(read + seconds, 2),
    }
    report["accord"] = accord
    print(json.dumps(accord, indent=1), flush=True)
    del found, groups
    gc.collect()

    for name, drop in (("components", True), ("components_with_hubs", False)):
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        comps = graph.components(nodes, drop_hubs=drop)
        seconds = time.perf_counter() - started
        via_hub = sum(_component_needs_hub(c, by_id, true_hubs) for c in comps)
        figures = score(comps, rings, via_hub)
        figures["seconds"] = {"components": round(seconds, 2)}
        report[name] = figures
        print(json.dumps(figures, indent=1), flush=True)
    report["peak_rss_mb"] = _peak_mb()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=40_000, help="Person records in all.")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--data", type=Path, help="Directory of the generated files.")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="linkage threshold")
    parser.add_argument(
        "--clusters", type=Path, help="person clusters file: read if present, else written"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.skip_generate and args.data is None:
        parser.error("--skip-generate needs --data")
    data = args.data or Path(tempfile.mkdtemp(prefix=f"series-{args.persons}-"))
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
            stdout=subprocess.DEVNULL,
        )
        generated["seconds"] = round(time.perf_counter() - started, 1)
    summary = json.loads((data / "summary.json").read_text(encoding="utf-8"))
    generated["summary"] = {
        k: summary[k]
        for k in ("seed", "person_records", "rings", "ring_modes", "ring_cases", "cases")
        if k in summary
    }
    report: dict[str, Any] = {
        "persons": args.persons,
        "seed": summary.get("seed", args.seed),
        "linkage_threshold": args.threshold,
        "machine": {"cpus": os.cpu_count()},
        "data": generated,
        "parameters": {
            "weights": dict(graph.WEIGHTS),
            "link_min": graph.LINK_MIN,
            "hub_groups": graph.HUB_GROUPS,
            "hub_spread": [
                graph.HUB_SPREAD_GROUPS,
                graph.HUB_SPREAD_AGENCIES,
                graph.HUB_SPREAD_DAYS,
            ],
            "resolution": graph.RESOLUTION,
        },
    }
    try:
        report |= run(data, threshold=args.threshold, clusters_file=args.clusters)
    finally:
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)  # generated here for this run only
    accord = report["accord"]
    report["targets"] = {
        "rings_recovered_at_least_0.98": accord["rings_recovered_share"] >= 0.98,
        "no_series_merged_through_a_hub": accord["series_merged_through_a_hub"] == 0,
    }
    if args.persons >= 1_000_000:
        report["targets"]["one_million_within_5_minutes_after_linkage"] = (
            accord["seconds"]["after_linkage"] <= 300
        )
    out_path = args.out or ROOT / "bench" / "results" / f"series-{args.persons}.json"
    out_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("linkage", "cases", "targets")}, indent=2))
    print(f"saved {out_path}")


if __name__ == "__main__":
    main()
