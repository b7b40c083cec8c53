"""`accord alerts ...` and `accord screen ...`: alerts, their import, and checks.

Bulk commands read and write JSON lines (issue 6 §4) and show a progress bar on a terminal.
Without `--as` a bulk command acts as the installation itself (recorded as `cli`), as an
operator loading a member's interchange file does; with `--as` it acts as that user, within
that user's rights.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from accord.alerts import screening, service
from accord.alerts.kinds import AlertType
from accord.alerts.schemas import Probe
from accord.alerts.transitions import AlertStatus
from accord.core.cliutil import cli_actor, cli_session, fail, print_json
from accord.core.errors import InvalidInput
from accord.core.jsonl import iter_records
from accord.security.actor import Actor

app = typer.Typer(help="Shared alerts: import, list, show, activate, cancel.", no_args_is_help=True)
screen_app = typer.Typer(help="Check persons and objects against the alerts.", no_args_is_help=True)

PARALLEL_FROM = 5000  # probes; below this a batch runs in one process

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]


def _actor(session: Session, as_user: str | None) -> Actor:
    return cli_actor(session, as_user) if as_user else Actor.system("cli")


def _count_lines(path: Path) -> int:
    with path.open("rb") as fp:
        return sum(1 for line in fp if line.strip())


def _bar(total: int, label: str) -> AbstractContextManager[Any]:
    if sys.stderr.isatty():
        return typer.progressbar(length=total, label=label, file=sys.stderr)
    return nullcontext(None)


def _lines(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8") as fp:
            yield from fp
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise fail(f"{path} is not UTF-8 text") from exc


def _readable(path: Path) -> Path:
    if not path.is_file():
        raise fail(f"cannot read {path}: no such file")
    return path


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSON lines, one alert a line.")],
    as_user: AS = None,
) -> None:
    """Import alerts (all or nothing; the first bad line is named)."""
    path = _readable(file)
    total = _count_lines(path)
    with cli_session() as session, _bar(total, "alerts") as bar:
        actor = _actor(session, as_user)
        result = service.import_lines(
            session,
            actor,
            _lines(path),
            progress=(lambda n: bar.update(n)) if bar is not None else None,
        )
        session.commit()
    typer.echo(f"imported {result.imported} alerts (sha256 {result.digest[:16]})")


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="draft, active, fulfilled...")] = None,
    alert_type: Annotated[str | None, typer.Option("--type", help="wanted_arrest...")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Alerts, newest first."""
    try:
        wanted_status = AlertStatus(status) if status else None
        wanted_type = AlertType(alert_type) if alert_type else None
    except ValueError as exc:
        raise fail(str(exc)) from exc
    with cli_session() as session:
        alerts = service.list_alerts(
            session,
            _actor(session, as_user),
            status=wanted_status,
            alert_type=wanted_type,
            limit=limit,
        )
        rows = [
            {
                "ref": a.ref,
                "type": a.alert_type.value,
                "status": a.status.value,
                "priority": a.priority.value,
                "issuing_agency": a.issuer.code,
                "label": a.label,
                "expires_at": a.expires_at.isoformat() if a.expires_at else None,
            }
            for a in alerts
        ]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['ref']:<20} {r['type']:<16} {r['status']:<10} {r['issuing_agency']:<8} "
            f"{r['label']}"
        )


def _transition(ref: str, as_user: str | None, action: str, reason: str) -> None:
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        alert = service.get_alert(session, ref)
        if action == "activate":
            service.activate(session, actor, alert)
        elif action == "cancel":
            service.cancel(session, actor, alert, reason=reason)
        else:
            service.fulfil(session, actor, alert, reason=reason)
        session.commit()
        typer.echo(f"{alert.ref} {alert.status.value}")


@app.command("activate")
def activate_command(ref: str, as_user: AS = None) -> None:
    """Activate a draft alert."""
    _transition(ref, as_user, "activate", "")


@app.command("cancel")
def cancel_command(
    ref: str, reason: Annotated[str, typer.Option(help="Why.")], as_user: AS = None
) -> None:
    """Cancel an alert: it never hits again."""
    _transition(ref, as_user, "cancel", reason)


@app.command("fulfil")
def fulfil_command(
    ref: str, reason: Annotated[str, typer.Option(help="How.")], as_user: AS = None
) -> None:
    """Close an alert after a confirmed hit."""
    _transition(ref, as_user, "fulfil", reason)


@app.command("expire")
def expire_command() -> None:
    """Move alerts past their expiry to `expired` now (the worker does it every minute)."""
    with cli_session() as session:
        count = service.expire_due(session, Actor.system("alerts.expiry"))
        session.commit()
    typer.echo(f"expired {count} alerts")


# --- screen -----------------------------------------------------------------------------------


@screen_app.command("check")
def check_command(
    purpose: Annotated[str, typer.Option(help="Why you check (required).")] = "",
    name: Annotated[str | None, typer.Option(help="Name in any script.")] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    gender: Annotated[str | None, typer.Option(help="male or female.")] = None,
    nationality: Annotated[str | None, typer.Option(help="ISO 3166 code.")] = None,
    id_number: Annotated[str | None, typer.Option(help="Resident ID number.")] = None,
    passport_number: Annotated[str | None, typer.Option(help="Passport number.")] = None,
    plate: Annotated[str | None, typer.Option(help="Vehicle plate.")] = None,
    vin: Annotated[str | None, typer.Option(help="Vehicle identification number.")] = None,
    document_number: Annotated[str | None, typer.Option(help="Document number.")] = None,
    drone_serial: Annotated[str | None, typer.Option(help="Drone serial.")] = None,
    case_ref: Annotated[str | None, typer.Option(help="Case reference, if any.")] = None,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Check one person or object: hit, possible or no hit, with explained candidates."""
    fields = {
        "name": name,
        "birth_date": birth_date,
        "gender": gender,
        "nationality": nationality,
        "id_number": id_number,
        "passport_number": passport_number,
        "plate": plate,
        "vin": vin,
        "document_number": document_number,
        "drone_serial": drone_serial,
    }
    try:
        probe = Probe.model_validate({k: v for k, v in fields.items() if v})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise fail(f"{where + ': ' if where else ''}{message}") from exc
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        result = screening.check(session, actor, probe=probe, purpose=purpose, case_ref=case_ref)
        session.commit()
    if as_json:
        print_json(
            {
                "check_id": str(result.check.id),
                "result": result.outcome.result,
                "candidates": result.candidates,
            }
        )
        return
    typer.echo(f"{result.outcome.result.upper()}  (check {result.check.id})")
    for c in result.candidates:
        typer.echo(
            f"  {c['band']:<9} {c['score']:.2f}  {c['alert_ref']:<20} {c['alert_type']:<16} "
            f"{c['issuing_agency']}  {c.get('label') or ''}"
        )
        for line in c["explanation"]:
            typer.echo(f"      - {line}")
        if c.get("discreet"):
            typer.echo("      ! discreet check: do not tell the subject")
        if c.get("action_on_hit"):
            typer.echo(f"      action: {c['action_on_hit']}")


def _probes(path: Path) -> Iterator[tuple[int, Probe]]:
    return iter_records(_lines(path), Probe, InvalidInput)


@screen_app.command("batch")
def batch_command(
    probes: Annotated[Path, typer.Argument(help="JSON lines, one probe a line.")],
    purpose: Annotated[str, typer.Option(help="Why you screen (required).")] = "",
    out: Annotated[Path, typer.Option(help="Where to write the results (JSON lines).")] = Path(
        "results.jsonl"
    ),
    as_user: AS = None,
    workers: Annotated[
        int, typer.Option(min=0, max=32, help="Processes scoring in parallel (0: one per core).")
    ] = 0,
) -> None:
    """Screen a file of probes; one result line per probe, in order."""
    path = _readable(probes)
    total = _count_lines(path)
    if workers == 0:
        # Forking pays off only for a large file; a small one is screened here at once.
        workers = min(os.cpu_count() or 1, 4) if total >= PARALLEL_FROM else 1
    partial = out.with_name(out.name + ".partial")
    counts = {"hit": 0, "possible": 0, "no_hit": 0}
    with cli_session() as session, _bar(total, "probes") as bar:
        actor = _actor(session, as_user)
        try:
            with partial.open("w", encoding="utf-8") as fp:
                lines = screening.batch(
                    session, actor, _probes(path), purpose=purpose, workers=workers
                )
                for line in lines:
                    fp.write(json.dumps(line, ensure_ascii=False) + "\n")
                    counts[line["result"]] += 1
                    if bar is not None:
                        bar.update(1)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        session.commit()
    partial.replace(out)
    typer.echo(
        f"screened {sum(counts.values())} probes: {counts['hit']} hit, "
        f"{counts['possible']} possible, {counts['no_hit']} no hit -> {out}"
    )
