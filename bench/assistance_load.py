"""Assistance-request load benchmark (issue 7): many requests created and worked to completion
over the JSON API by concurrent clients, one server process killed and restarted mid-run, and
the invariants checked in PostgreSQL afterwards.

    .venv/bin/python bench/assistance_load.py                    # 20,000 lifecycles
    .venv/bin/python bench/assistance_load.py --requests 500     # a quick run

What it does:

1. starts a throwaway PostgreSQL cluster (`scripts/pg-cluster.sh`), restarted with the durable
   defaults (fsync, synchronous_commit, full_page_writes on; `--pg fast` keeps the script's
   test settings) and pg_stat_statements; `accord db upgrade`, `accord demo load`; bench users
   (officers in eight agencies of the Yangtze River Delta zone, a liaison in each provincial
   department) with API tokens;
2. binds one listening socket and starts `--servers` uvicorn processes on it (`--fd`, so the
   kernel hands each connection to whichever process accepts it, as gunicorn does), and the
   notification worker (`accord worker`);
3. drives it from `--clients` processes of `--threads` threads each (http.client, keep-alive):
   every lifecycle is a create (Idempotency-Key) by the requesting officer, then the receiving
   liaison's GET (marks it received, gives the ETag) and accept, start, hold, resume, complete
   with If-Match. A share of creates is repeated with the same key after the answer
   (`--dup-after`: the original answer must be replayed), while the first call is in flight
   (`--dup-inflight`: from a second connection at the same moment), and with another body
   (`--dup-mismatch`: 422). A share of creates and moves have their answer dropped by the
   client after sending (`--lost-answers`), as the kill does to calls in flight. A call that
   fails on the connection is retried: a create with its key; a move after re-reading the
   request, and a 409/412 after such a retry whose status and version show that the lost
   attempt committed counts as done, not as a second move. Connections are re-opened every
   `--reconnect-every` calls, so a restarted server process gets its share;
4. SIGKILLs the busiest server process once `--kill-at` of the lifecycles are done and starts a
   new one on the same socket after `--restart-after` seconds;
5. lets the worker drain the outbox (plus the worker's own dispatch and delivery functions in
   this process, since the worker alone runs a fixed batch per second), chains and verifies
   the audit log (`accord audit verify`), and checks in PostgreSQL: one request per
   Idempotency-Key, every acknowledged write present, every history the path
   submit-receive-accept-start-hold-resume-complete along the status table with the version
   matching, each move audited once, one outbox message per request and event, every local
   delivery made once and nothing left pending.

Prints and saves JSON (default `bench/results/assistance-load-<N>.json`): throughput, latency
percentiles per endpoint, CPU by process group, PostgreSQL figures and the invariants.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

try:
    import orjson

    def _loads(data: bytes) -> Any:
        return orjson.loads(data)

    def _dumps(obj: Any) -> bytes:
        return orjson.dumps(obj)

except ImportError:  # the benchmark also runs without it, a little slower on the client side

    def _loads(data: bytes) -> Any:
        return json.loads(data)

    def _dumps(obj: Any) -> bytes:
        return json.dumps(obj).encode()


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

API = "/api/v1/assistance-requests"
# Requesting agencies (an officer in each) and the provincial departments they address.
PROVINCES = ("310000", "320000", "330000", "340000")
REQUESTERS = ("310000", "310115", "320000", "320100", "330000", "330100", "340000", "340100")
URGENCIES = ("urgent", "high", "routine")
# The moves the receiving side makes, with the status each leads to and its body.
MOVES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("accept", "accepted", {}),
    ("start", "in_progress", {}),
    ("hold", "on_hold", {"reason": "waiting for the requester's documents"}),
    ("resume", "in_progress", {}),
    ("complete", "completed", {"outcome": "located and reported", "outcome_code": "achieved"}),
)
EXPECTED_PATH = ["submit", "receive", "accept", "start", "hold", "resume", "complete"]
EXPECTED_NOTICES = {
    "assistance.requested",
    "assistance.received",
    "assistance.accepted",
    "assistance.in_progress",
    "assistance.on_hold",
    "assistance.resumed",
    "assistance.completed",
}
CALL_TIMEOUT = 120.0  # a create waits up to 10 s for a concurrent first call


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


# --- PostgreSQL ---------------------------------------------------------------------------------


def _as_pg(*cmd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


def start_pg(pgdir: Path, mode: str) -> str:
    """A throwaway cluster from scripts/pg-cluster.sh; in durable mode restarted with the
    server's defaults for durability (the script turns fsync off, for tests)."""
    url = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "start", str(pgdir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = url.rsplit(":", 1)[1].split("/")[0]
    options = [
        "-c listen_addresses=127.0.0.1",
        f"-p {port}",
        f"-k {pgdir}",
        "-c max_connections=200",
        "-c shared_preload_libraries=pg_stat_statements",
        "-c track_wal_io_timing=on",
    ]
    if mode == "fast":
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    subprocess.run(
        _as_pg(
            "pg_ctl",
            "-D",
            str(pgdir / "data"),
            "-l",
            str(pgdir / "log"),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "restart",
        ),
        check=True,
        capture_output=True,
    )
    return url


def stop_pg(pgdir: Path) -> None:
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "stop", str(pgdir)],
        check=False,
        capture_output=True,
    )


def _pg_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _pg(url: str) -> Any:
    import psycopg

    return psycopg.connect(_pg_conninfo(url), autocommit=True)


def pg_counters(url: str) -> dict[str, Any]:
    with _pg(url) as conn:
        db = conn.execute(
            "SELECT xact_commit, xact_rollback, blks_hit, blks_read, deadlocks "
            "FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        wal = conn.execute(
            "SELECT wal_records, wal_bytes, wal_write, wal_sync, wal_sync_time FROM pg_stat_wal"
        ).fetchone()
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', "
                "'max_connections')"
            ).fetchall()
        )
    assert db is not None
    assert wal is not None
    return {
        "xact_commit": int(db[0]),
        "xact_rollback": int(db[1]),
        "blks_hit": int(db[2]),
        "blks_read": int(db[3]),
        "deadlocks": int(db[4]),
        "wal_records": int(wal[0]),
        "wal_bytes": int(wal[1]),
        "wal_write": int(wal[2]),
        "wal_sync": int(wal[3]),
        "wal_sync_time_ms": float(wal[4]),
        "settings": settings,
    }


def top_statements(url: str, limit: int = 15) -> list[dict[str, Any]]:
    """The statements that took most of the server's time (pg_stat_statements)."""
    with _pg(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        rows = conn.execute(
            "SELECT calls, total_exec_time, mean_exec_time, rows, left(regexp_replace(query, "
            "'\\s+', ' ', 'g'), 160) FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "ORDER BY total_exec_time DESC LIMIT %s",
            (limit,),
        ).fetchall()
    return [
        {
            "calls": int(r[0]),
            "total_ms": round(float(r[1]), 1),
            "mean_ms": round(float(r[2]), 3),
            "rows": int(r[3]),
            "query": r[4],
        }
        for r in rows
    ]


def statement_calls(url: str) -> int:
    with _pg(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        row = conn.execute(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchone()
    return int(row[0]) if row else 0


def reset_statements(url: str) -> None:
    with _pg(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")


# --- the world ----------------------------------------------------------------------------------


def accord_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "accord", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"accord {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def make_world(url: str) -> dict[str, Any]:
    """Bench users and their API tokens: an officer in each requesting agency, a liaison in each
    provincial department (the demo's agencies, zone and agreement are already loaded)."""
    from accord import wiring
    from accord.core.db import make_engine, make_sessionmaker
    from accord.security import service as security_service
    from accord.security import tokens
    from accord.security.actor import Actor, Role

    wiring.wire()
    engine = make_engine(url)
    factory = make_sessionmaker(engine, writes=True)
    system = Actor.system("bench")
    requesters: dict[str, str] = {}
    receivers: dict[str, str] = {}
    with factory() as session:
        for code in REQUESTERS:
            name = f"bench.req.{code}"
            security_service.create_user(
                session,
                system,
                username=name,
                display_name=f"Bench officer {code}",
                agency_code=code,
                roles=[Role.OFFICER],
            )
        for code in PROVINCES:
            name = f"bench.rcv.{code}"
            security_service.create_user(
                session,
                system,
                username=name,
                display_name=f"Bench liaison {code}",
                agency_code=code,
                roles=[Role.LIAISON],
            )
        session.flush()
        for code in REQUESTERS:
            issued = tokens.create(
                session, system, username=f"bench.req.{code}", name="bench", scopes=["assist.*"]
            )
            requesters[code] = issued.token
        for code in PROVINCES:
            issued = tokens.create(
                session, system, username=f"bench.rcv.{code}", name="bench", scopes=["assist.*"]
            )
            receivers[code] = issued.token
        session.commit()
    engine.dispose()
    return {"requesters": requesters, "receivers": receivers}


def plan(i: int) -> tuple[str, str]:
    """Lifecycle i's requesting agency and the provincial department it asks."""
    requester = REQUESTERS[i % len(REQUESTERS)]
    others = [p for p in PROVINCES if p[:2] != requester[:2]]
    return requester, others[(i // len(REQUESTERS)) % len(others)]


# --- the servers and the worker -----------------------------------------------------------------


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as fp:
            fields = fp.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Servers:
    """N uvicorn processes accepting on one socket; one can be killed and replaced."""

    def __init__(self, count: int, env: dict[str, str], logdir: Path) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.sock.set_inheritable(True)
        self.port = int(self.sock.getsockname()[1])
        self.env = dict(env, ACCORD_EMBEDDED_WORKER="0")
        self.logdir = logdir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}
        self.started = 0
        self.cpu_of_gone = 0.0
        for _ in range(count):
            self.procs.append(self._spawn())
        for proc in self.procs:
            self._wait_ready(proc)

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.started += 1
        path = self.logdir / f"server-{self.started}.log"
        with path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "accord.web.asgi:app",
                    "--fd",
                    str(self.sock.fileno()),
                    "--log-level",
                    "info",
                    "--no-access-log",
                    "--timeout-keep-alive",
                    "60",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(self.sock.fileno(),),
            )
        self.logs[proc.pid] = path
        return proc

    def _wait_ready(self, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"server {proc.pid} exited with {proc.returncode}")
            if "Application startup complete" in self.logs[proc.pid].read_text(errors="replace"):
                return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"server {proc.pid} did not start in {timeout} s")

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is None]

    def busiest(self, window: float = 1.0) -> tuple[subprocess.Popen[bytes], float]:
        """The live server that used most CPU over `window` seconds, and how much."""
        before = {p.pid: _cpu_seconds(p.pid) or 0.0 for p in self.procs}
        time.sleep(window)
        used = {p.pid: (_cpu_seconds(p.pid) or 0.0) - before[p.pid] for p in self.procs}
        proc = max(self.procs, key=lambda p: used[p.pid])
        return proc, used[proc.pid] / window

    def kill_and_restart(self, restart_after: float) -> dict[str, Any]:
        victim, busy = self.busiest()
        self.cpu_of_gone += _cpu_seconds(victim.pid) or 0.0
        killed_at = time.time()
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        _say(f"SIGKILLed server {victim.pid} (it was using {busy:.0%} of a core)")
        time.sleep(restart_after)
        replacement = self._spawn()
        self.procs[self.procs.index(victim)] = replacement
        ready = self._wait_ready(replacement)
        ready_at = time.time()
        # It serves: it takes connections from the shared socket as soon as it is up.
        before = _cpu_seconds(replacement.pid) or 0.0
        time.sleep(5.0)
        serving = (_cpu_seconds(replacement.pid) or 0.0) - before
        _say(
            f"restarted as {replacement.pid}; it used {serving / 5:.0%} of a core in its first 5 s"
        )
        return {
            "killed_pid": victim.pid,
            "killed_cpu_share_before": round(busy, 2),
            "killed_at": killed_at,
            "restart_after_s": restart_after,
            "new_pid": replacement.pid,
            "new_ready_after_s": round(ready, 2),
            "new_cpu_share_first_5s": round(serving / 5, 2),
            "down_s": round(ready_at - killed_at, 2),
        }

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.sock.close()


class CpuSampler:
    """CPU seconds used by each group of processes (servers, worker, clients, PostgreSQL)."""

    def __init__(self, groups: dict[str, Any]) -> None:
        self.groups = groups  # name -> callable returning pids
        self.last: dict[int, float] = {}
        self.group_of: dict[int, str] = {}
        self.start_total = self._total()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _total() -> tuple[float, float]:
        with open("/proc/stat") as fp:
            parts = [int(x) for x in fp.readline().split()[1:]]
        idle = parts[3] + parts[4]
        return (sum(parts) - idle) / os.sysconf("SC_CLK_TCK"), sum(parts) / os.sysconf("SC_CLK_TCK")

    def _postgres_pids(self) -> list[int]:
        out = []
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/comm") as fp:
                        if fp.read().startswith("postgres"):
                            out.append(int(name))
                except OSError:
                    continue
        return out

    def sample(self) -> None:
        for group, pids in self.groups.items():
            found = self._postgres_pids() if group == "postgres" else pids()
            for pid in found:
                cpu = _cpu_seconds(pid)
                if cpu is not None:
                    self.group_of.setdefault(pid, group)
                    self.last[pid] = cpu

    def _run(self) -> None:
        while not self.stop_event.wait(0.5):
            self.sample()

    def begin(self) -> None:
        self.sample()
        self.base = dict(self.last)
        self.start_total = self._total()
        self.thread.start()

    def end(self) -> dict[str, Any]:
        self.stop_event.set()
        self.thread.join()
        self.sample()
        busy, total = self._total()
        used: dict[str, float] = defaultdict(float)
        for pid, cpu in self.last.items():
            used[self.group_of[pid]] += cpu - self.base.get(pid, 0.0)
        wall_cpu = total - self.start_total[1]
        return {
            "machine_busy_share": round((busy - self.start_total[0]) / wall_cpu, 3)
            if wall_cpu
            else None,
            "cpu_seconds": {k: round(v, 1) for k, v in sorted(used.items())},
        }


# --- the clients --------------------------------------------------------------------------------


class ConnectionLost(Exception):
    """The call's fate is unknown: the connection failed before an answer came."""


class Client:
    """One keep-alive connection to the server, re-opened after any failure and every
    `reconnect_every` calls (as clients behind a balancer do), so that a restarted server
    process gets its share of the connections."""

    def __init__(self, port: int, reconnect_every: int = 0) -> None:
        self.port = port
        self.reconnect_every = reconnect_every
        self.calls = 0
        self.conn: http.client.HTTPConnection | None = None

    def call(
        self,
        method: str,
        path: str,
        token: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        drop_answer: bool = False,
    ) -> tuple[int, dict[str, str], Any, float]:
        """One call; `drop_answer` sends it and hangs up without reading the answer, as when
        the network fails after the server took the request (its fate is then unknown)."""
        hdrs = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = _dumps(body)
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CALL_TIMEOUT)
            self.conn.request(method, path, body=payload, headers=hdrs)
            if drop_answer:
                raise ConnectionResetError("the bench dropped the answer")
            response = self.conn.getresponse()
            data = response.read()
            answer = {k.lower(): v for k, v in response.getheaders()}
            self.calls += 1
            if answer.get("connection", "").lower() == "close" or (
                self.reconnect_every and self.calls % self.reconnect_every == 0
            ):
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise ConnectionLost(f"{type(exc).__name__}: {exc}") from exc
        elapsed = time.perf_counter() - started
        parsed = None
        if data:
            try:
                parsed = _loads(data)
            except ValueError:
                parsed = data[:200].decode(errors="replace")
        return response.status, answer, parsed, elapsed

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


class Recorder:
    """What one client process saw: latencies per endpoint, acknowledged writes, anomalies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.acks: list[list[Any]] = []  # [kind, i, reference, id, action, version, status]
        self.counts: Counter[str] = Counter()
        self.anomalies: list[str] = []
        self.done_at: list[float] = []
        self.conn_errors_at: list[float] = []

    def lat(self, label: str, seconds: float) -> None:
        with self.lock:
            self.latency[label].append(seconds)

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def ack(self, *row: Any) -> None:
        with self.lock:
            self.acks.append(list(row))

    def anomaly(self, text: str) -> None:
        with self.lock:
            self.counts["anomalies"] += 1
            if len(self.anomalies) < 50:
                self.anomalies.append(text)

    def conn_error(self, label: str) -> None:
        with self.lock:
            self.counts[f"connection_errors.{label}"] += 1
            self.conn_errors_at.append(time.time())


def _etag_version(etag: str | None) -> int:
    if not etag:
        return -1
    return int(etag.strip('"').rsplit(".v", 1)[1])


class Lifecycle:
    """Create one request and work it to completion, with the retries a real client makes."""

    def __init__(self, port: int, cfg: dict[str, Any], rec: Recorder, rng: random.Random) -> None:
        self.port = port
        self.cfg = cfg
        self.rec = rec
        self.rng = rng
        self.client = Client(port, cfg["reconnect_every"])
        self.receiver_client = Client(port, cfg["reconnect_every"])

    def body(self, i: int, key: str) -> dict[str, Any]:
        _requester, addressee = plan(i)
        return {
            "request_type": self.cfg["types"][i % len(self.cfg["types"])],
            "urgency": URGENCIES[i % len(URGENCIES)],
            "addressee": addressee,
            "title": f"Load test request {i}",
            "description": f"bench run {self.cfg['run']} key {key}",
            "case_reference": f"LOAD-{self.cfg['run']}-{i:06d}",
            "subjects": [{"kind": "person", "value": f"3101011990{i % 100000000:08d}"}],
            "handling_code": "H0",
        }

    def _backoff(self, attempt: int) -> None:
        time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + self.rng.random()))

    def create(self, i: int) -> tuple[str, str, int]:
        requester, _ = plan(i)
        token = self.cfg["tokens"]["requesters"][requester]
        key = f"bench-{self.cfg['run']}-{i}-{uuid.uuid4().hex[:8]}"
        body = self.body(i, key)
        headers = {"Idempotency-Key": key}
        inflight: dict[str, Any] = {}
        helper: threading.Thread | None = None
        if self.rng.random() < self.cfg["dup_inflight"]:
            # The same POST from a second connection at the same moment.
            def second() -> None:
                other = Client(self.port)
                try:
                    inflight["result"] = self._create_call(
                        other, token, body, headers, "create.dup_inflight", i
                    )
                finally:
                    other.close()

            helper = threading.Thread(target=second)
            helper.start()
        _status, answer, data = self._create_call(self.client, token, body, headers, "create", i)
        ref, rid, version = data["reference"], data["id"], _etag_version(answer.get("etag"))
        fresh = [answer.get("idempotency-replayed") != "true"]
        if helper is not None:
            helper.join()
            _s, answer2, data2 = inflight["result"]
            fresh.append(answer2.get("idempotency-replayed") != "true")
            self.rec.count("dup_inflight")
            if (data2["reference"], data2["id"]) != (ref, rid):
                self.rec.anomaly(f"in-flight duplicate of {key} answered {data2['reference']}")
        if sum(fresh) != 1:
            # Zero fresh answers is normal when the first attempt's answer was lost and a
            # retry replayed it; two would be a double create (the DB check counts those).
            self.rec.count(f"create_fresh_answers_{sum(fresh)}")
        if self.rng.random() < self.cfg["dup_after"]:
            _status2, answer2, data2 = self._create_call(
                self.client, token, body, headers, "create.dup_after", i
            )
            self.rec.count("dup_after")
            if answer2.get("idempotency-replayed") != "true" or data2 != data:
                self.rec.anomaly(f"replay of {key} differs from the original answer")
        if self.rng.random() < self.cfg["dup_mismatch"]:
            other = dict(body, title=body["title"] + " (changed)")
            st, _a, problem, _dt = self._call(
                self.client, "POST", API, token, other, headers, "create.dup_mismatch"
            )
            self.rec.count("dup_mismatch")
            if st != 422 or (problem or {}).get("code") != "idempotency_key_reused":
                self.rec.anomaly(f"reused key {key} with another body answered {st} {problem}")
        return ref, rid, version

    def _call(
        self,
        client: Client,
        method: str,
        path: str,
        token: str,
        body: Any,
        headers: dict[str, str] | None,
        label: str,
        *,
        drop_answer: bool = False,
    ) -> tuple[int, dict[str, str], Any, float]:
        status, answer, data, elapsed = client.call(
            method, path, token, body, headers, drop_answer=drop_answer
        )
        self.rec.lat(label, elapsed)
        self.rec.count(f"status.{label}.{status}")
        return status, answer, data, elapsed

    def _create_call(
        self,
        client: Client,
        token: str,
        body: Any,
        headers: dict[str, str],
        label: str,
        i: int,
    ) -> tuple[int, dict[str, str], Any]:
        attempt = 0
        while True:
            attempt += 1
            drop = (
                attempt == 1 and label == "create" and self.rng.random() < self.cfg["lost_answers"]
            )
            try:
                status, answer, data, _ = self._call(
                    client, "POST", API, token, body, headers, label, drop_answer=drop
                )
            except ConnectionLost:
                self.rec.conn_error(f"{label}.answer_dropped" if drop else label)
                self._backoff(attempt)
                continue
            if status == 201:
                if attempt > 1:
                    self.rec.count(f"{label}.succeeded_after_retry")
                self.rec.ack(
                    "create", i, data["reference"], data["id"], "create",
                    _etag_version(answer.get("etag")), data["status"],
                )  # fmt: skip
                return status, answer, data
            code = (data or {}).get("code") if isinstance(data, dict) else None
            if status == 409 and code == "idempotency_in_progress":
                # The first call still holds the key (or died holding it: its lease runs out).
                self.rec.count(f"{label}.waited_in_progress")
                self._backoff(min(attempt, 5))
                continue
            if status >= 500:
                self.rec.count(f"{label}.server_error")
                self._backoff(attempt)
                continue
            raise RuntimeError(f"create {headers} answered {status}: {data}")

    def read(self, ref: str, token: str, label: str) -> tuple[str, int, str]:
        """The request as the receiving side sees it: status, version, ETag (retried)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                status, answer, data, _ = self._call(
                    self.receiver_client, "GET", f"{API}/{ref}", token, None, None, label
                )
            except ConnectionLost:
                self.rec.conn_error(label)
                self._backoff(attempt)
                continue
            if status == 200:
                version = _etag_version(answer.get("etag"))
                self.rec.ack("read", None, ref, data["id"], "read", version, data["status"])
                return data["status"], version, answer["etag"]
            if status >= 500:
                self.rec.count(f"{label}.server_error")
                self._backoff(attempt)
                continue
            raise RuntimeError(f"GET {ref} answered {status}: {data}")

    def move(
        self, ref: str, token: str, action: str, target: str, body: dict[str, str], etag: str
    ) -> str:
        version = _etag_version(etag)
        unsure = False  # an earlier attempt may have committed without our hearing of it
        attempt = 0
        while True:
            attempt += 1
            drop = attempt == 1 and self.rng.random() < self.cfg["lost_answers"]
            try:
                status, answer, data, _ = self._call(
                    self.receiver_client,
                    "POST",
                    f"{API}/{ref}/{action}",
                    token,
                    body,
                    {"If-Match": etag},
                    action,
                    drop_answer=drop,
                )
            except ConnectionLost:
                self.rec.conn_error(f"{action}.answer_dropped" if drop else action)
                unsure = True
                self._backoff(attempt)
                now_status, now_version, now_etag = self.read(ref, token, "get.reread")
                if now_status == target and now_version > version:
                    self.rec.count("move_done_by_lost_attempt")
                    return now_etag
                etag, version = now_etag, now_version
                continue
            if status == 200:
                new_version = _etag_version(answer.get("etag"))
                self.rec.ack("move", None, ref, data["id"], action, new_version, data["status"])
                if data["status"] != target:
                    self.rec.anomaly(f"{action} on {ref} led to {data['status']}")
                return answer["etag"]
            if status in (409, 412):
                now_status, now_version, now_etag = self.read(ref, token, "get.reread")
                if unsure and now_status == target and now_version > version:
                    # The lost attempt had committed: this is the move, done once.
                    self.rec.count("move_conflict_recognised_as_done")
                    return now_etag
                self.rec.anomaly(f"{action} on {ref} answered {status} {data} unprompted")
                etag, version = now_etag, now_version
                self._backoff(attempt)
                continue
            if status >= 500:
                self.rec.count(f"{action}.server_error")
                unsure = True
                self._backoff(attempt)
                now_status, now_version, now_etag = self.read(ref, token, "get.reread")
                if now_status == target and now_version > version:
                    self.rec.count("move_done_by_lost_attempt")
                    return now_etag
                etag, version = now_etag, now_version
                continue
            raise RuntimeError(f"{action} {ref} answered {status}: {data}")

    def run(self, i: int) -> None:
        ref, _rid, _version = self.create(i)
        _requester, addressee = plan(i)
        token = self.cfg["tokens"]["receivers"][addressee]
        status, _version, etag = self.read(ref, token, "get")
        if status != "received":
            self.rec.anomaly(f"{ref} was {status} after the receiver's first read")
        for action, target, body in MOVES:
            etag = self.move(ref, token, action, target, body, etag)
        self.rec.count("lifecycles")
        with self.rec.lock:
            self.rec.done_at.append(time.time())


def client_main(
    index: int,
    port: int,
    cfg: dict[str, Any],
    counter: Any,
    start_at: float,
    outfile: str,
) -> None:
    items = list(range(index, cfg["requests"], cfg["clients"]))
    queue_lock = threading.Lock()
    rec = Recorder()

    def take() -> int | None:
        with queue_lock:
            return items.pop(0) if items else None

    def work(thread_no: int) -> None:
        rng = random.Random(cfg["seed"] * 1000 + index * 100 + thread_no)
        life = Lifecycle(port, cfg, rec, rng)
        while True:
            i = take()
            if i is None:
                return
            try:
                life.run(i)
            except Exception as exc:  # recorded, and the lifecycle counts as failed
                rec.count("lifecycle_failures")
                rec.anomaly(f"lifecycle {i} failed: {type(exc).__name__}: {exc}"[:500])
                continue
            with counter.get_lock():
                counter.value += 1

    while time.time() < start_at:
        time.sleep(0.01)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(cfg["threads"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(outfile, "wb") as fp:
        fp.write(
            _dumps(
                {
                    "latency": rec.latency,
                    "acks": rec.acks,
                    "counts": dict(rec.counts),
                    "anomalies": rec.anomalies,
                    "done_at": rec.done_at,
                    "conn_errors_at": rec.conn_errors_at,
                }
            )
        )


# --- draining and the invariants ----------------------------------------------------------------


def outbox_backlog(url: str) -> dict[str, int]:
    with _pg(url) as conn:
        undispatched = conn.execute(
            "SELECT count(*) FROM notify_outbox WHERE dispatched_at IS NULL"
        ).fetchone()
        pending = conn.execute(
            "SELECT count(*) FROM notify_deliveries WHERE status = 'pending'"
        ).fetchone()
    assert undispatched is not None
    assert pending is not None
    return {"undispatched_messages": int(undispatched[0]), "pending_deliveries": int(pending[0])}


def drain(url: str, timeout: float) -> dict[str, Any]:
    """Run the worker's dispatch and delivery functions here until nothing is left (the worker
    process keeps running its own passes alongside)."""
    from accord.core.db import make_engine, make_sessionmaker
    from accord.notify import dispatch

    engine = make_engine(url)
    factory = make_sessionmaker(engine, writes=True)
    started = time.monotonic()
    passes = 0
    try:
        while time.monotonic() - started < timeout:
            done = dispatch.dispatch_pending(factory, batch=500)
            done += dispatch.deliver_local(factory, batch=2000)
            done += dispatch.deliver_remote(factory, batch=500)
            passes += 1
            if done == 0:
                backlog = outbox_backlog(url)
                if not any(backlog.values()):
                    break
                time.sleep(0.5)  # leased remote deliveries or another worker's transaction
    finally:
        engine.dispose()
    return {"drain_s": round(time.monotonic() - started, 1), "passes": passes}


def check_invariants(url: str, run: str, acks: list[list[Any]], requests: int) -> dict[str, Any]:
    from accord.assistance.transitions import REQUEST_TABLE, RequestStatus

    out: dict[str, Any] = {}
    prefix = f"LOAD-{run}-"
    with _pg(url) as conn:
        rows = conn.execute(
            "SELECT id, reference, case_reference, status, version FROM assistance_requests "
            "WHERE case_reference LIKE %s",
            (prefix + "%",),
        ).fetchall()
        by_case: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_case[row[2]].append(row)
        duplicates = {k: len(v) for k, v in by_case.items() if len(v) > 1}
        out["requests_in_db"] = len(rows)
        out["distinct_case_references"] = len(by_case)
        out["duplicate_requests_per_idempotency_key"] = sum(n - 1 for n in duplicates.values())
        out["missing_requests"] = requests - len(by_case)
        by_id = {str(r[0]): r for r in rows}
        by_ref = {r[1]: r for r in rows}

        keys = conn.execute(
            "SELECT key, status, response_status, response_body FROM idempotency_keys "
            "WHERE key LIKE %s",
            (f"bench-{run}-%",),
        ).fetchall()
        key_refs: dict[str, str] = {}
        unfinished = 0
        for key, status, response_status, body in keys:
            if status != "done" or response_status != 201:
                unfinished += 1
                continue
            key_refs[key] = json.loads(body)["reference"]
        out["idempotency_keys"] = len(keys)
        out["idempotency_keys_not_done"] = unfinished
        out["idempotency_keys_naming_a_missing_request"] = sum(
            1 for ref in key_refs.values() if ref not in by_ref
        )

        events: dict[str, list[tuple[str, str | None, str]]] = defaultdict(list)
        for request_id, action, from_status, to_status in conn.execute(
            "SELECT e.request_id, e.action, e.from_status, e.to_status FROM assistance_events e "
            "JOIN assistance_requests r ON r.id = e.request_id WHERE r.case_reference LIKE %s "
            "ORDER BY e.request_id, e.at, e.id",
            (prefix + "%",),
        ):
            events[str(request_id)].append((action, from_status, to_status))
        invalid: list[str] = []
        wrong_path = 0
        version_mismatch = 0
        not_completed = 0
        for rid, row in by_id.items():
            history = events.get(rid, [])
            status = RequestStatus.DRAFT
            ok = True
            for action, from_status, to_status in history:
                if from_status != status.value or not REQUEST_TABLE.can(status, action):
                    ok = False
                    break
                nxt = REQUEST_TABLE.next_status(status, action)
                if nxt.value != to_status:
                    ok = False
                    break
                status = nxt
            if not ok or status.value != row[3]:
                if len(invalid) < 10:
                    invalid.append(f"{row[1]}: {history}")
                ok = False
            if [h[0] for h in history] != EXPECTED_PATH:
                wrong_path += 1
            if row[4] != 1 + len(history):
                version_mismatch += 1
            if row[3] != "completed":
                not_completed += 1
        out["histories_checked"] = len(by_id)
        out["histories_invalid"] = len(invalid)
        out["histories_invalid_examples"] = invalid
        out["histories_not_the_expected_path"] = wrong_path
        out["version_not_one_plus_moves"] = version_mismatch
        out["requests_not_completed"] = not_completed

        # Every acknowledged write is in the database.
        lost: list[str] = []
        acked_moves: Counter[tuple[str, str]] = Counter()
        for kind, _i, ref, rid, action, version, _status in acks:
            row = by_ref.get(ref)
            if row is None or str(row[0]) != rid:
                lost.append(f"{kind} {ref}: request missing")
                continue
            if version > row[4]:
                lost.append(f"{kind} {action} {ref}: acknowledged v{version}, DB has v{row[4]}")
            if kind == "move":
                acked_moves[(rid, action)] += 1
        for (rid, action), n in acked_moves.items():
            in_history = sum(1 for e in events.get(rid, []) if e[0] == action)
            if in_history != 1 or n != 1:
                lost.append(f"{action} on {rid}: acknowledged {n}x, in history {in_history}x")
        out["acknowledged_writes"] = len(acks)
        out["acknowledged_writes_lost"] = len(lost)
        out["acknowledged_writes_lost_examples"] = lost[:10]

        # Each move audited exactly once, in the same transaction as the move.
        audit_counts: Counter[tuple[str, str]] = Counter()
        for object_id, action, n in conn.execute(
            "SELECT a.object_id, a.action, count(*) FROM audit_events a "
            "JOIN assistance_requests r ON a.object_id = r.id::text "
            "WHERE r.case_reference LIKE %s AND a.object_type = 'assistance_request' "
            "GROUP BY a.object_id, a.action",
            (prefix + "%",),
        ):
            audit_counts[(object_id, action)] = n
        audit_wrong = 0
        for rid in by_id:
            for action in ["created", *EXPECTED_PATH]:
                if audit_counts.get((rid, f"assistance_request.{action}"), 0) != 1:
                    audit_wrong += 1
            if audit_counts.get((rid, "assistance_request.read"), 0) < 1:
                audit_wrong += 1
        out["audit_events_for_bench_requests"] = sum(audit_counts.values())
        out["moves_not_audited_exactly_once"] = audit_wrong

        # Notifications: one outbox message per request and event, dispatched and delivered once.
        per_request: dict[str, Counter[str]] = defaultdict(Counter)
        for rid, event, n in conn.execute(
            "SELECT (o.data::jsonb)->>'request_id', o.event, count(*) FROM notify_outbox o "
            "WHERE o.event LIKE 'assistance.%%' GROUP BY 1, 2"
        ):
            if rid in by_id:
                per_request[rid][event] = n
        notice_wrong = sum(
            1
            for rid in by_id
            if set(per_request[rid]) != EXPECTED_NOTICES
            or any(n != 1 for n in per_request[rid].values())
        )
        out["outbox_messages"] = sum(sum(c.values()) for c in per_request.values())
        out["requests_without_exactly_one_message_per_event"] = notice_wrong
        stats = conn.execute(
            "SELECT d.channel, d.status, count(*), count(DISTINCT (d.message_id, d.recipient_key))"
            " FROM notify_deliveries d JOIN notify_outbox o ON o.id = d.message_id "
            "WHERE o.event LIKE 'assistance.%%' GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        out["deliveries"] = {f"{c}.{s}": int(n) for c, s, n, _d in stats}
        out["deliveries_duplicated"] = sum(int(n) - int(d) for _c, _s, n, d in stats)
        undispatched = conn.execute(
            "SELECT count(*) FROM notify_outbox WHERE dispatched_at IS NULL"
        ).fetchone()
        pending = conn.execute(
            "SELECT count(*) FROM notify_deliveries WHERE status = 'pending'"
        ).fetchone()
        assert undispatched is not None
        assert pending is not None
        out["outbox_undispatched"] = int(undispatched[0])
        out["deliveries_pending"] = int(pending[0])
        inbox = conn.execute(
            "SELECT count(*), count(DISTINCT (i.user_id, i.message_id)) FROM notify_inbox i "
            "JOIN notify_outbox o ON o.id = i.message_id WHERE o.event LIKE 'assistance.%%'"
        ).fetchone()
        live = conn.execute(
            "SELECT count(*), count(DISTINCT (l.user_id, (l.payload::jsonb)->>'id')) "
            "FROM notify_live l WHERE (l.payload::jsonb)->>'event' LIKE 'assistance.%%'"
        ).fetchone()
        assert inbox is not None
        assert live is not None
        delivered_inbox = out["deliveries"].get("inbox.delivered", 0)
        delivered_live = out["deliveries"].get("live.delivered", 0)
        out["inbox_items"] = int(inbox[0])
        out["inbox_items_duplicated"] = int(inbox[0]) - int(inbox[1])
        out["inbox_items_missing"] = delivered_inbox - int(inbox[1])
        out["live_events"] = int(live[0])
        out["live_events_duplicated"] = int(live[0]) - int(live[1])
        out["live_events_missing"] = delivered_live - int(live[1])
    return out


def invariants_hold(inv: dict[str, Any], audit: dict[str, Any], requests: int) -> dict[str, bool]:
    return {
        "zero_duplicates": inv["duplicate_requests_per_idempotency_key"] == 0
        and inv["idempotency_keys"] == requests
        and inv["idempotency_keys_not_done"] == 0,
        "zero_lost_acknowledged_writes": inv["acknowledged_writes_lost"] == 0
        and inv["missing_requests"] == 0
        and inv["idempotency_keys_naming_a_missing_request"] == 0,
        "every_history_valid_and_completed": inv["histories_invalid"] == 0
        and inv["histories_not_the_expected_path"] == 0
        and inv["version_not_one_plus_moves"] == 0
        and inv["requests_not_completed"] == 0
        and inv["histories_checked"] == requests,
        "audit_chain_intact": bool(audit.get("ok")) and audit.get("pending") == 0,
        "every_move_audited_once": inv["moves_not_audited_exactly_once"] == 0,
        "every_notification_delivered_once": inv["requests_without_exactly_one_message_per_event"]
        == 0
        and inv["deliveries_duplicated"] == 0
        and inv["outbox_undispatched"] == 0
        and inv["deliveries_pending"] == 0
        and inv["inbox_items_duplicated"] == 0
        and inv["inbox_items_missing"] == 0
        and inv["live_events_duplicated"] == 0
        and inv["live_events_missing"] == 0,
    }


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="lifecycles to run")
    parser.add_argument("--servers", type=int, default=3, help="uvicorn processes")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=3, help="threads per client process")
    parser.add_argument("--dup-after", type=float, default=0.2, help="share of creates replayed")
    parser.add_argument(
        "--dup-inflight", type=float, default=0.1, help="share of creates sent twice at once"
    )
    parser.add_argument(
        "--dup-mismatch", type=float, default=0.01, help="share reused with another body (422)"
    )
    parser.add_argument(
        "--lost-answers",
        type=float,
        default=0.01,
        help="share of moves whose answer the client drops (then re-reads and retries)",
    )
    parser.add_argument("--kill-at", type=float, default=0.5, help="kill after this share")
    parser.add_argument("--restart-after", type=float, default=1.0, help="seconds down")
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument(
        "--reconnect-every", type=int, default=100, help="calls per keep-alive connection"
    )
    parser.add_argument("--pg", choices=("durable", "fast"), default="durable")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--keep", action="store_true", help="keep the cluster and the work dir")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from accord.assistance.kinds import REQUEST_TYPES

    workdir = Path(tempfile.mkdtemp(prefix="accord-assist-load-"))
    # The cluster runs as the postgres user, which must reach its directory inside.
    os.chmod(workdir, 0o755)  # noqa: S103
    pgdir = workdir / "pg"
    run = uuid.uuid4().hex[:6].upper()
    result: dict[str, Any] = {
        "benchmark": "assistance_load",
        "run": run,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": {"cpus": os.cpu_count()},
    }
    servers: Servers | None = None
    worker: subprocess.Popen[bytes] | None = None
    clients: list[Any] = []

    def _stop(signum: int, _frame: Any) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    # A background job ignores SIGINT: let SIGTERM clean up too (servers, worker, cluster).
    signal.signal(signal.SIGTERM, _stop)
    try:
        _say(f"PostgreSQL ({args.pg}) in {pgdir}")
        url = start_pg(pgdir, args.pg)
        env = dict(
            os.environ,
            ACCORD_DATABASE_URL=url,
            ACCORD_DATA_DIR=str(workdir / "data"),
            PYTHONPATH=str(ROOT / "src"),
        )
        os.environ["ACCORD_DATABASE_URL"] = url
        os.environ["ACCORD_DATA_DIR"] = str(workdir / "data")
        accord_cli(env, "db", "upgrade")
        accord_cli(env, "demo", "load")
        tokens = make_world(url)
        _say("world ready: demo zones, bench officers and liaisons with API tokens")

        servers = Servers(args.servers, env, workdir)
        worker_log = (workdir / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "accord", "worker"],
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        _say(f"{args.servers} servers on 127.0.0.1:{servers.port}, worker {worker.pid}")

        cfg = {
            "requests": args.requests,
            "clients": args.clients,
            "threads": args.threads,
            "dup_after": args.dup_after,
            "dup_inflight": args.dup_inflight,
            "dup_mismatch": args.dup_mismatch,
            "reconnect_every": args.reconnect_every,
            "lost_answers": args.lost_answers,
            "seed": args.seed,
            "run": run,
            "types": list(REQUEST_TYPES),
            "tokens": tokens,
        }
        ctx = mp.get_context("spawn")
        counter = ctx.Value("i", 0)
        start_at = time.time() + 3.0
        clients = [
            ctx.Process(
                target=client_main,
                args=(n, servers.port, cfg, counter, start_at, str(workdir / f"client-{n}.json")),
            )
            for n in range(args.clients)
        ]
        for proc in clients:
            proc.start()
        assert servers is not None
        live_servers = servers
        sampler = CpuSampler(
            {
                "servers": live_servers.pids,
                "worker": lambda: [worker.pid] if worker else [],
                "clients": lambda: [p.pid for p in clients if p.pid and p.is_alive()],
                "postgres": lambda: [],
            }
        )
        while time.time() < start_at:
            time.sleep(0.01)
        reset_statements(url)
        pg_before = pg_counters(url)
        sampler.begin()
        t0 = time.time()
        kill: dict[str, Any] | None = None
        next_report = t0 + 10
        while any(p.is_alive() for p in clients):
            done = counter.value
            if not args.no_kill and kill is None and done >= args.kill_at * args.requests:
                kill = servers.kill_and_restart(args.restart_after)
            if time.time() >= next_report:
                rate = done / (time.time() - t0)
                _say(f"{done}/{args.requests} lifecycles, {rate:.1f}/s")
                next_report += 10
            time.sleep(0.2)
        for proc in clients:
            proc.join()
        t1 = time.time()
        cpu = sampler.end()
        pg_after = pg_counters(url)
        statements = statement_calls(url)
        top = top_statements(url)
        backlog_at_end = outbox_backlog(url)
        _say(f"drive phase: {t1 - t0:.1f} s; outbox backlog {backlog_at_end}")

        latency: dict[str, list[float]] = defaultdict(list)
        acks: list[list[Any]] = []
        counts: Counter[str] = Counter()
        anomalies: list[str] = []
        done_at: list[float] = []
        conn_errors_at: list[float] = []
        for n in range(args.clients):
            with open(workdir / f"client-{n}.json", "rb") as fp:
                part = _loads(fp.read())
            for label, values in part["latency"].items():
                latency[label].extend(values)
            acks.extend(part["acks"])
            counts.update(part["counts"])
            anomalies.extend(part["anomalies"])
            done_at.extend(part["done_at"])
            conn_errors_at.extend(part["conn_errors_at"])
        completed = counts["lifecycles"]
        last_done = max(done_at) if done_at else t1
        wall = last_done - t0
        calls = sum(len(v) for v in latency.values())
        timeline = Counter(int((t - t0) // 10) * 10 for t in done_at)
        result["throughput"] = {
            "lifecycles_completed": completed,
            "wall_s": round(wall, 1),
            "lifecycles_per_s": round(completed / wall, 2) if wall else None,
            "calls": calls,
            "calls_per_s": round(calls / wall, 1) if wall else None,
            "per_10s_window": {str(k): round(v / 10, 1) for k, v in sorted(timeline.items())},
            "best_10s_window": round(max(timeline.values()) / 10, 1) if timeline else None,
        }
        result["latency"] = {label: _percentiles(v) for label, v in sorted(latency.items())}
        result["latency"]["all_calls"] = _percentiles([x for v in latency.values() for x in v])
        result["targets"] = {
            "lifecycles_per_s_at_least_60": bool(wall and completed / wall >= 60),
            "p95_below_150ms_per_endpoint": {
                label: p["p95_ms"] < 150 for label, p in result["latency"].items() if p["n"]
            },
        }
        if kill is not None:
            window = [
                t for t in conn_errors_at if kill["killed_at"] - 0.5 <= t <= kill["killed_at"] + 5
            ]
            kill["connection_errors_within_5s"] = len(window)
        result["kill"] = kill
        result["client_counts"] = dict(sorted(counts.items()))
        result["anomalies"] = anomalies[:50]
        result["cpu"] = cpu
        cpu_total = sum(cpu["cpu_seconds"].values())
        result["cpu"]["per_lifecycle_ms"] = (
            {k: round(v / completed * 1000, 1) for k, v in cpu["cpu_seconds"].items()}
            if completed
            else {}
        )
        result["cpu"]["ceiling_lifecycles_per_s_on_this_machine"] = (
            round((os.cpu_count() or 1) / (cpu_total / completed), 1) if completed else None
        )
        commits = pg_after["xact_commit"] - pg_before["xact_commit"]
        result["postgres"] = {
            "mode": args.pg,
            "settings": pg_after["settings"],
            "commits": commits,
            "commits_per_s": round(commits / wall, 1) if wall else None,
            "rollbacks": pg_after["xact_rollback"] - pg_before["xact_rollback"],
            "deadlocks": pg_after["deadlocks"] - pg_before["deadlocks"],
            "statements": statements,
            "statements_per_call": round(statements / calls, 1) if calls else None,
            "wal_bytes_per_lifecycle": round(
                (pg_after["wal_bytes"] - pg_before["wal_bytes"]) / max(completed, 1)
            ),
            "wal_syncs": pg_after["wal_sync"] - pg_before["wal_sync"],
            "wal_sync_ms_total": round(
                pg_after["wal_sync_time_ms"] - pg_before["wal_sync_time_ms"], 1
            ),
            "top_statements": top,
        }
        result["notifications"] = {"backlog_at_end_of_drive": backlog_at_end}

        _say("draining the outbox with the worker's functions")
        result["notifications"]["drain"] = drain(url, timeout=3600)
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        worker = None
        servers.stop()
        servers = None
        _say("chaining and verifying the audit log")
        started = time.monotonic()
        verify = subprocess.run(
            [sys.executable, "-m", "accord", "audit", "verify", "--json"],
            env=env,
            capture_output=True,
            text=True,
        )
        audit = json.loads(verify.stdout) if verify.stdout.strip() else {"ok": False}
        audit["exit_status"] = verify.returncode
        audit["verify_s"] = round(time.monotonic() - started, 1)
        result["audit"] = audit
        _say("checking the invariants in PostgreSQL")
        inv = check_invariants(url, run, acks, args.requests)
        result["invariants"] = inv
        result["invariants_hold"] = invariants_hold(inv, audit, args.requests)
    finally:
        for proc in clients:
            if proc.is_alive():
                proc.terminate()
        if worker is not None:
            worker.kill()
        if servers is not None:
            servers.stop()
        if args.keep:
            _say(f"kept {workdir} (stop the cluster: bash scripts/pg-cluster.sh stop {pgdir})")
        else:
            stop_pg(pgdir)
            shutil.rmtree(workdir, ignore_errors=True)

    out = args.out or ROOT / "bench" / "results" / f"assistance-load-{args.requests}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = {
        "lifecycles_per_s": result["throughput"]["lifecycles_per_s"],
        "p95_ms": {k: v.get("p95_ms") for k, v in result["latency"].items()},
        "invariants_hold": result["invariants_hold"],
        "kill": result["kill"],
    }
    print(json.dumps(summary, indent=2))
    _say(f"saved {out}")
    return 0 if all(result["invariants_hold"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
