"""Screening benchmark (issue 6): quality by variant kind, latency, throughput and index size,
and the same quality and speed figures for the OpenSanctions matcher on the same data.

    .venv/bin/python bench/screening.py --alerts 100000 --probes 5000 --seed 20261123

Generates labelled data with `bench/gen_screening.py`, loads the demo agencies and zones and the
alerts into a fresh SQLite database (or `--database-url`), then measures:

- quality (batch screening as the installation): recall = true matches answered hit or possible
  with the right alert among the candidates; top-1 = the right alert first; false hits and
  possibles among non-matching probes; per variant kind and overall;
- single-check latency at the service layer (`screening.check`: index look-up, scoring, the
  check row and its audit event, commit) as a Shanghai officer;
- the same over HTTP (`POST /api/v1/checks`, a real uvicorn server, bearer token);
- batch throughput (probes/s) and the size of the candidate index;
- the peer (nomenklatura logic-v2 and logic-v1) scoring the same candidates for a sample of
  probes: the same quality figures and its per-probe time.

Prints and saves JSON (default `bench/results/screening-<alerts>.json`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "n": len(values)}


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fp:
        return [json.loads(line) for line in fp if line.strip()]


class Tally:
    """Quality figures, overall and per variant kind."""

    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, label: dict[str, Any], result: str, refs: list[str]) -> None:
        for key in (label["kind"], "_all_match" if label["match"] else "_all_non_match"):
            k = self.kinds[key]
            k["n"] += 1
            if label["match"]:
                found = label["alert_ref"] in refs and result in {"hit", "possible"}
                k["recalled"] += found
                k["top1"] += bool(refs) and refs[0] == label["alert_ref"] and found
                k["hit"] += result == "hit"
            else:
                k["false_hit"] += result == "hit"
                k["possible"] += result == "possible"

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, k in sorted(self.kinds.items()):
            n = k["n"]
            if "recalled" in k or kind == "_all_match":
                out[kind] = {
                    "n": n,
                    "recall": round(k["recalled"] / n, 4),
                    "top1": round(k["top1"] / n, 4),
                    "answered_hit": round(k["hit"] / n, 4),
                }
            else:
                out[kind] = {
                    "n": n,
                    "false_hit_rate": round(k["false_hit"] / n, 4),
                    "possible_rate": round(k["possible"] / n, 4),
                }
        return out


def _db(url: str | None, workdir: Path) -> str:
    return url or f"sqlite:///{workdir / 'bench.db'}"


def _setup(url: str) -> Any:
    from accord import demo, wiring
    from accord.core.db import make_engine, make_sessionmaker
    from accord.core.migrate import upgrade

    wiring.wire()
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine, writes=True)
    with factory() as session:
        demo.load(session)
        session.commit()
    return engine, factory


def _index_bytes(session: Any) -> dict[str, Any]:
    from sqlalchemy import text

    name = session.get_bind().dialect.name
    if name == "postgresql":
        size = session.scalar(text("SELECT pg_total_relation_size('alert_keys')"))
        return {"alert_keys_bytes": int(size)}
    try:
        size = session.scalar(text("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%alert_keys%'"))
        return {"alert_keys_bytes": int(size or 0)}
    except Exception:  # dbstat is an optional SQLite build feature
        return {"alert_keys_bytes": None}


def _officer(session: Any) -> Any:
    from accord.security import service as security_service

    user = security_service.get_user(session, "sh.officer")
    return security_service.actor_for(user, via="bench")


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--singles", type=int, default=1000, help="single checks timed")
    parser.add_argument("--http", type=int, default=300, help="checks timed over HTTP")
    parser.add_argument("--peer-sample", type=int, default=1500, help="probes for the peer")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=2, help="batch scoring processes")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    os.environ["ACCORD_DATA_DIR"] = str(workdir)
    figures: dict[str, Any] = {
        "alerts": args.alerts,
        "probes": args.probes,
        "seed": args.seed,
        "batch_workers": args.workers,
    }
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_screening.py"),
            "--alerts", str(args.alerts),
            "--probes", str(args.probes),
            "--seed", str(args.seed),
            "--out", str(workdir),
        ],
        check=True,
    )  # fmt: skip
    figures["generate_s"] = round(time.perf_counter() - started, 1)
    labels = {row["ref"]: row for row in _read(workdir / "labels.jsonl")}
    probe_rows = _read(workdir / "probes.jsonl")

    from accord.alerts import screening
    from accord.alerts.schemas import Probe
    from accord.security.actor import Actor

    url = _db(args.database_url, workdir)
    engine, factory = _setup(url)
    engine.dispose()  # no connection of ours holds the log open while the import writes
    figures["database"] = engine.dialect.name

    # The import runs as an operator runs it, in its own process (`accord alerts import`).
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("accord")),
            "alerts",
            "import",
            str(workdir / "alerts.jsonl"),
        ],
        check=True,
        env={**os.environ, "ACCORD_DATABASE_URL": url},
    )
    figures["import_s"] = round(time.perf_counter() - started, 1)
    _say(f"imported {args.alerts} alerts in {figures['import_s']} s")
    figures["import_alerts_per_s"] = round(args.alerts / max(figures["import_s"], 1e-9))
    with factory() as session:
        figures.update(_index_bytes(session))

    # quality and batch throughput
    probes = [(i + 1, Probe.model_validate(p)) for i, p in enumerate(probe_rows)]
    tally = Tally()
    results: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    with factory() as session:
        for line in screening.batch(
            session, Actor.system("bench"), probes, purpose="benchmark", workers=args.workers
        ):
            results[line["ref"]] = line
        session.commit()
    batch_s = time.perf_counter() - started
    figures["batch_probes_per_s"] = round(len(probes) / batch_s)
    with (workdir / "results.jsonl").open("w", encoding="utf-8") as fp:
        fp.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in results.values())
    figures["workdir"] = str(workdir)
    for ref, line in results.items():
        tally.add(labels[ref], line["result"], [c["alert_ref"] for c in line["candidates"]])
    figures["quality"] = tally.figures()
    _say(f"batch: {figures['batch_probes_per_s']} probes/s; {figures['quality']['_all_match']}")

    # single checks at the service layer, audit write and commit included
    timings: list[float] = []
    with factory() as session:
        officer = _officer(session)
    for _, probe in probes[: args.singles]:
        with factory() as session:
            t0 = time.perf_counter()
            screening.check(session, officer, probe=probe, purpose="benchmark")
            session.commit()
            timings.append(time.perf_counter() - t0)
    figures["service_latency"] = _percentiles(timings)
    _say(f"service latency {figures['service_latency']}")

    if args.http:
        figures["http_latency"] = _http(url, probe_rows[: args.http])

    figures["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    if args.peer_sample:
        figures["peer"] = _peer(factory, probe_rows[: args.peer_sample], labels, workdir)
        ours = Tally()
        for row in probe_rows[: args.peer_sample]:
            line = results[row["ref"]]
            ours.add(
                labels[row["ref"]], line["result"], [c["alert_ref"] for c in line["candidates"]]
            )
        figures["accord_on_peer_sample"] = {
            k: v for k, v in ours.figures().items() if k.startswith("_all")
        }
    out = args.out or ROOT / "bench" / "results" / f"screening-{args.alerts}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def _http(url: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Time `POST /api/v1/checks` against a real uvicorn server on a free port."""
    import http.client
    import socket

    import uvicorn

    from accord.core.config import Settings
    from accord.core.db import make_engine, make_sessionmaker
    from accord.security import service as security_service
    from accord.security import tokens
    from accord.web.app import create_app

    engine = make_engine(url)
    factory = make_sessionmaker(engine, writes=True)
    with factory() as session:
        user = security_service.get_user(session, "sh.officer")
        issued = tokens.create(
            session,
            security_service.actor_for(user, via="bench"),
            username="sh.officer",
            name="bench",
            scopes=["*"],
        )
        session.commit()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(engine=engine, settings=Settings(database_url=url))
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    timings: list[float] = []
    headers = {"Authorization": f"Bearer {issued.token}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port)  # one kept-alive connection
    for row in rows:
        probe = {k: v for k, v in row.items() if k != "ref"}
        body = json.dumps({"probe": probe, "purpose": "bench"})
        t0 = time.perf_counter()
        connection.request("POST", "/api/v1/checks", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        timings.append(time.perf_counter() - t0)
        if response.status != 200:
            raise RuntimeError(f"POST /api/v1/checks answered {response.status}")
    connection.close()
    server.should_exit = True
    thread.join(timeout=5)
    return _percentiles(timings)


def _peer(
    factory: Any, rows: list[dict[str, Any]], labels: dict[str, Any], workdir: Path
) -> dict[str, Any]:
    """nomenklatura's logic-v2 and logic-v1 scoring the candidates our index finds (every alert
    sharing a blocking key, up to 200 per probe), decided at OpenSanctions' thresholds."""
    from sqlalchemy import select

    from accord.alerts import index
    from accord.alerts.models import Alert
    from accord.matching import blocking
    from accord.matching.facts import Facts

    try:
        peer = _module("peer_nomenklatura")
    except ImportError as exc:
        return {"error": f"nomenklatura not installed: {exc}"}
    alerts_by_no: dict[int, dict[str, Any]] = {}
    candidates: dict[str, list[int]] = {}
    with factory() as session:
        for row in rows:
            facts = Facts.from_mapping(row)
            keys = blocking.hashed_keys(facts, probe=True)
            shared = index.candidate_numbers(session, keys)
            ranked = sorted(shared, key=lambda n: -len(shared[n]))[:200]
            candidates[row["ref"]] = ranked
        wanted = {n for ns in candidates.values() for n in ns}
        for a in session.scalars(select(Alert).where(Alert.index_no.in_(wanted))):
            alerts_by_no[a.index_no] = {
                "ref": a.ref,
                "type": a.alert_type.value,
                "issuing_agency": "",
                **a.subject,
            }
    out: dict[str, Any] = {"candidates_per_probe": round(
        statistics.mean(len(c) for c in candidates.values()), 1
    )}  # fmt: skip
    for algorithm in ("logic-v2", "logic-v1"):
        tally = Tally()
        timings: list[float] = []
        for row in rows:
            pool = [alerts_by_no[n] for n in candidates[row["ref"]] if n in alerts_by_no]
            t0 = time.perf_counter()
            scored = peer.score_pairs(algorithm, row, pool)
            timings.append(time.perf_counter() - t0)
            best = [s for s in scored if s[1] >= 0.5][:10]
            result = "hit" if best and best[0][1] >= 0.7 else "possible" if best else "no_hit"
            tally.add(labels[row["ref"]], result, [s[0] for s in best])
        figures = tally.figures()
        out[algorithm] = {
            "quality": {k: v for k, v in figures.items() if k.startswith("_all")},
            "by_kind": {k: v for k, v in figures.items() if not k.startswith("_all")},
            "latency": _percentiles(timings),
            "probes_per_s": round(len(rows) / max(sum(timings), 1e-9)),
        }
    return out


if __name__ == "__main__":
    raise SystemExit(main())
