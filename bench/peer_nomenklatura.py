"""The OpenSanctions matcher (nomenklatura) as the peer Accord's screening is measured against.

Interchange alerts and probes (issue 6 §4) become FollowTheMoney entities and are scored with
nomenklatura's own algorithms, `logic-v2` (its current rule-based matcher, with rigour's
cross-script name alignment) or `logic-v1`, with their default configuration — no tuning for our
data. Install with `.venv/bin/pip install nomenklatura` (the `bench` extra; a bench-only
dependency, never imported by the app or its tests).

Mapping to FollowTheMoney (followthemoney 4.x):

- person alerts and person probes -> `Person`: name, alias, birthDate, gender, nationality,
  idNumber, passportNumber;
- stolen vehicles -> `Vehicle`: registrationNumber holds the plate *and* the VIN (FtM's Vehicle
  has no VIN property; both are identifier-typed and nomenklatura's `identifier_match` compares
  every identifier-typed value of two entities, whichever property holds it), model for make;
- stolen documents -> `Identification` (FtM's "an identification document": number, type,
  country). FtM does not mark it matchable, because sanctions screening matches holders, not
  papers; nomenklatura's heuristic algorithms still compare two entities of the same schema,
  so a probe's document number meets the alert's through `identifier_match`;
- drones -> `Airplane` ("an airplane, helicopter or other flying vehicle"): serialNumber,
  registrationNumber, model — the only FtM schema for an aircraft, and the only one with a
  serial number.

Reading the score like OpenSanctions' yente does: a candidate scoring `>= 0.70` (yente's default
`threshold`) is a **match**, which we count as **hit**; `0.50 <= score < 0.70` (yente's default
`cutoff` below which candidates are dropped) as **possible**; below 0.50, **no hit**.

    python bench/peer_nomenklatura.py DIR [--algorithm logic-v2] [--probes N]

scores every probe of a generated folder (bench/gen_screening.py) against every alert — no
blocking, so the peer's figures are its best case — and prints recall, false hits, possibles and
the time per scored pair as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringAlgorithm, ScoringConfig

HIT, POSSIBLE = 0.70, 0.50
ALGORITHMS = ("logic-v2", "logic-v1")
PERSON_TYPES = {"wanted_arrest", "wanted_locate", "missing_person", "discreet_check"}


def _entity(schema: str, line: dict[str, Any], props: dict[str, Any]) -> EntityProxy:
    entity = model.make_entity(schema)
    # nomenklatura memoises name analysis by entity id alone (lru_cache on EntityProxy.__hash__),
    # so an id must never be reused for other content, even across data sets in one process:
    # the ref plus a digest of the whole line.
    canonical = json.dumps(line, ensure_ascii=False, sort_keys=True).encode()
    entity.id = f"{line['ref']}#{hashlib.blake2b(canonical, digest_size=8).hexdigest()}"
    for prop, value in props.items():
        if value:
            entity.add(prop, value)
    return entity


def _person(line: dict[str, Any]) -> EntityProxy:
    return _entity(
        "Person",
        line,
        {
            "name": line.get("name"),
            "alias": line.get("aliases"),
            "birthDate": line.get("birth_date"),
            "gender": line.get("gender"),
            "nationality": line.get("nationality"),
            "idNumber": line.get("id_number"),
            "passportNumber": line.get("passport_number"),
        },
    )


def alert_entity(alert: dict[str, Any]) -> EntityProxy:
    """The FtM entity for one interchange alert line (see the module docstring for schemata)."""
    kind = alert["type"]
    if kind in PERSON_TYPES:
        return _person(alert)
    if kind == "stolen_vehicle":
        numbers = [alert[k] for k in ("plate", "vin") if alert.get(k)]
        return _entity(
            "Vehicle", alert, {"registrationNumber": numbers, "model": alert.get("make")}
        )
    if kind == "stolen_document":
        return _entity(
            "Identification",
            alert,
            {
                "number": alert.get("document_number"),
                "type": alert.get("document_type"),
                "country": alert.get("issuing_country"),
            },
        )
    if kind == "drone":
        return _entity(
            "Airplane",
            alert,
            {
                "serialNumber": alert.get("drone_serial"),
                "registrationNumber": alert.get("registration_number"),
                "model": alert.get("model"),
            },
        )
    raise ValueError(f"alert {alert.get('ref')}: unknown type {kind!r}")


def probe_entity(probe: dict[str, Any]) -> EntityProxy:
    """The FtM entity for one probe line: a Person unless it only names an object."""
    if any(probe.get(k) for k in ("name", "birth_date", "id_number", "passport_number")):
        return _person(probe)
    if probe.get("plate") or probe.get("vin"):
        numbers = [probe[k] for k in ("plate", "vin") if probe.get(k)]
        return _entity("Vehicle", probe, {"registrationNumber": numbers})
    if probe.get("document_number"):
        return _entity("Identification", probe, {"number": probe["document_number"]})
    if probe.get("drone_serial"):
        return _entity("Airplane", probe, {"serialNumber": probe["drone_serial"]})
    raise ValueError(f"probe {probe.get('ref')}: nothing to compare")


@lru_cache(maxsize=200_000)
def _cached_alert(line: str) -> EntityProxy:
    # keyed by the whole line, not the ref: two data sets may reuse refs
    return alert_entity(json.loads(line))


@cache
def _algorithm(name: str) -> tuple[type[ScoringAlgorithm], ScoringConfig]:
    if name not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}, not {name!r}")
    algorithm = get_algorithm(name)
    if algorithm is None:  # pragma: no cover - a nomenklatura without it
        raise ValueError(f"nomenklatura has no algorithm {name!r}")
    return algorithm, algorithm.default_config()


def score_pairs(
    algorithm: str, probe: dict[str, Any], alerts: list[dict[str, Any]]
) -> list[tuple[str, float, list[str]]]:
    """(alert_ref, score 0..1, explanations) for each alert, best first."""
    matcher, config = _algorithm(algorithm)
    query = probe_entity(probe)
    scored: list[tuple[str, float, list[str]]] = []
    for alert in alerts:
        candidate = _cached_alert(json.dumps(alert, ensure_ascii=False, sort_keys=True))
        result = matcher.compare(query, candidate, config)
        explanation = [
            f"{name} {feature.score:+.2f}: {feature.detail or ''}".rstrip(": ")
            for name, feature in result.explanations.items()
        ]
        scored.append((str(alert["ref"]), min(max(result.score, 0.0), 1.0), explanation))
    scored.sort(key=lambda item: item[1], reverse=True)
    return scored


def verdict(score: float) -> str:
    """hit / possible / no_hit for a best score, by yente's threshold and cutoff."""
    return "hit" if score >= HIT else "possible" if score >= POSSIBLE else "no_hit"


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def evaluate(folder: Path, algorithm: str, limit: int | None = None) -> dict[str, Any]:
    """Quality and speed of the peer on a generated folder, every probe against every alert."""
    alerts = _read(folder / "alerts.jsonl")
    probes = _read(folder / "probes.jsonl")[:limit]
    labels = {lab["ref"]: lab for lab in _read(folder / "labels.jsonl")}
    for alert in alerts:  # build the entities outside the timed loop, as an index would
        _cached_alert(json.dumps(alert, ensure_ascii=False, sort_keys=True))
    per_kind: dict[str, dict[str, int]] = {}
    pair_seconds: list[float] = []
    for probe in probes:
        label = labels[probe["ref"]]
        started = time.perf_counter()
        ranked = score_pairs(algorithm, probe, alerts)
        pair_seconds.append((time.perf_counter() - started) / len(alerts))
        best = ranked[0][1] if ranked else 0.0
        top = [ref for ref, score, _ in ranked if score >= POSSIBLE][:10]
        counts = per_kind.setdefault(label["kind"], {"n": 0, "at_05": 0, "at_07": 0, "top1": 0})
        counts["n"] += 1
        if label["match"]:
            right = label["alert_ref"]
            counts["at_05"] += right in top
            counts["at_07"] += right in [r for r, s, _ in ranked[:10] if s >= HIT]
            counts["top1"] += bool(top) and top[0] == right
        else:
            counts["at_07"] += verdict(best) == "hit"  # false hits
            counts["at_05"] += verdict(best) == "possible"  # possibles
    true_kinds = {lab["kind"] for lab in labels.values() if lab["match"]}
    true = [c for k, c in per_kind.items() if k in true_kinds]
    false = [c for k, c in per_kind.items() if k not in true_kinds]
    n_true, n_false = sum(c["n"] for c in true), sum(c["n"] for c in false)
    return {
        "algorithm": algorithm,
        "alerts": len(alerts),
        "probes": len(probes),
        "recall_at_0.5": round(sum(c["at_05"] for c in true) / max(n_true, 1), 4),
        "recall_at_0.7": round(sum(c["at_07"] for c in true) / max(n_true, 1), 4),
        "top1": round(sum(c["top1"] for c in true) / max(n_true, 1), 4),
        "false_hit_rate": round(sum(c["at_07"] for c in false) / max(n_false, 1), 4),
        "possible_rate": round(sum(c["at_05"] for c in false) / max(n_false, 1), 4),
        "pair_ms_median": round(statistics.median(pair_seconds) * 1000, 4) if probes else None,
        "person_pair_ms": person_pair_ms(algorithm, probes, alerts),
        "by_kind": per_kind,
    }


def person_pair_ms(
    algorithm: str, probes: list[dict[str, Any]], alerts: list[dict[str, Any]], pairs: int = 5000
) -> float | None:
    """Mean milliseconds for one named person probe against one person alert: the pairs that
    run the full name matcher (the mean over all pairs above is lowered by pairs of different
    schemata, which are refused at once)."""
    people = [a for a in alerts if a["type"] in PERSON_TYPES]
    named = [p for p in probes if p.get("name")]
    if not people or not named:
        return None
    per_probe = max(1, pairs // len(named))
    started, done = time.perf_counter(), 0
    for i, probe in enumerate(named):
        window = [people[(i * per_probe + k) % len(people)] for k in range(per_probe)]
        score_pairs(algorithm, probe, window)
        done += len(window)
        if done >= pairs:
            break
    return round((time.perf_counter() - started) / done * 1000, 4)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a generated folder with nomenklatura.")
    parser.add_argument("folder", type=Path, help="output of bench/gen_screening.py")
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="logic-v2")
    parser.add_argument("--probes", type=int, default=None, help="score only the first N")
    args = parser.parse_args(argv)
    if not (args.folder / "alerts.jsonl").is_file():
        parser.error(f"{args.folder} holds no alerts.jsonl")
    json.dump(evaluate(args.folder, args.algorithm, args.probes), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
