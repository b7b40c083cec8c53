"""The `accord` command line: serve, database, demo, and each domain's commands.

Errors come out as one line on stderr with a non-zero exit: 1 for a refused operation, 2 for a
command line that does not parse.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
from typer.exceptions import TyperException

from accord.agencies.cli import app as agencies_app
from accord.alerts.cli import app as alerts_app
from accord.alerts.cli import screen_app
from accord.assistance.cli import app as assist_app
from accord.attachments.cli import app as attachments_app
from accord.audit.cli import app as audit_app
from accord.core.cliutil import cli_session, print_json
from accord.core.db import default_engine
from accord.core.errors import DomainError
from accord.deadlines.cli import app as deadlines_app
from accord.linkage.cli import app as linkage_app
from accord.meetings.cli import app as meetings_app
from accord.notify.cli import app as notify_app
from accord.records.cli import app as records_app
from accord.security.cli import app as users_app
from accord.series.cli import app as series_app
from accord.worker import worker_command
from accord.zones.agreements.cli import app as agreements_app
from accord.zones.cli import app as zones_app

app = typer.Typer(
    help="Accord: police cooperation across jurisdictions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo data set.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.command("worker")(worker_command)
app.add_typer(agencies_app, name="agencies")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(notify_app, name="notify")
app.add_typer(attachments_app, name="attachments")
app.add_typer(deadlines_app, name="calendar")
app.add_typer(zones_app, name="zones")
zones_app.add_typer(agreements_app, name="agreements")
app.add_typer(meetings_app, name="meetings")
app.add_typer(alerts_app, name="alerts")
app.add_typer(screen_app, name="screen")
app.add_typer(assist_app, name="assist")
app.add_typer(records_app, name="records")
app.add_typer(linkage_app, name="linkage")
app.add_typer(series_app, name="series")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web server processes.")] = 1,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Run the background jobs in-process too.")
    ] = True,
) -> None:
    """Serve the web UI and the API (and, by default, the background jobs)."""
    import os

    import uvicorn

    os.environ["ACCORD_EMBEDDED_WORKER"] = "1" if worker else "0"

    typer.echo(
        f"Accord is serving on http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)"
    )
    uvicorn.run("accord.web.asgi:app", host=host, port=port, workers=workers, log_level="info")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from accord.core import migrate

    engine = default_engine()
    migrate.upgrade(engine, revision)
    typer.echo(
        f"database at revision {migrate.current_revision(engine)} ({engine.url.render_as_string()})"
    )


@db_app.command("current")
def db_current() -> None:
    """Print the database's migration revision and the newest one."""
    from accord.core import migrate

    typer.echo(
        f"current {migrate.current_revision(default_engine())}, head {migrate.head_revision()}"
    )


class DemoPart(StrEnum):
    ASSISTANCE = "assistance"
    RECORDS = "records"


@demo_app.command("load")
def demo_load(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    without: Annotated[
        list[DemoPart] | None,
        typer.Option(
            "--without",
            help="Leave out a part: the year of assistance requests, or the shared records "
            "(with their persons, series and joint case). Repeatable.",
        ),
    ] = None,
) -> None:
    """Load the demo data; running it again changes nothing."""
    from accord import demo
    from accord.worker import PERIODIC_JOBS, run_once

    left_out = set(without or [])
    with cli_session() as session:
        summary = demo.load(
            session,
            assistance=DemoPart.ASSISTANCE not in left_out,
            records=DemoPart.RECORDS not in left_out,
        )
        session.commit()
    # Deliver the demo's notifications now, so inboxes are filled before any worker runs.
    run_once(default_engine(), [job for job in PERIODIC_JOBS if job.name.startswith("notify.")])
    if as_json:
        print_json(vars(summary))
    else:
        typer.echo(
            f"demo agencies: {summary.agencies_created} created, "
            f"{summary.agencies_updated} updated, {summary.agencies_unchanged} unchanged; "
            f"demo users: {summary.users_created} created; "
            f"calendar days: {summary.calendar_days} created; "
            f"assistance requests: {summary.assistance_requests} created; "
            f"shared records: {summary.shared_records} imported, "
            f"{summary.person_clusters} person clusters, {summary.series} series, "
            f"{summary.joint_cases} joint case(s); "
            f"notifications queued: {summary.notifications}"
        )


@demo_app.command("logins")
def demo_logins() -> None:
    """Print the demo sign-ins with each user's current TOTP code (demo users only)."""
    from accord import demo
    from accord.core import clock
    from accord.security import totp

    typer.echo(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
    for username, _name, code, roles, _below in demo.DEMO_USERS:
        secret = demo.demo_totp_secret(username)
        needs = any(r.value != "agency_admin" for r in roles)
        now_code = totp.code_at(secret, clock.now()) if needs else "(no TOTP)"
        role_names = ",".join(r.value for r in roles)
        typer.echo(f"  {username:<16} {code:<8} {role_names:<22} TOTP now: {now_code}")


def _audit_refusal(exc: DomainError, argv: list[str] | None) -> None:
    """A refused command is on file like a refused request: an `access.denied` event."""
    from accord.security.denials import AuditedRefusal, write_denial
    from accord.security.policy import PermissionDenied

    if isinstance(exc, AuditedRefusal):
        with cli_session() as session:
            exc.record_refusal(session)
            session.commit()
        return
    if not isinstance(exc, PermissionDenied) or exc.actor is None:
        return
    words = argv if argv is not None else sys.argv[1:]
    command = " ".join(w for w in words if not w.startswith("-"))[:60]
    with cli_session() as session:
        write_denial(session, exc.actor, exc, where=f"cli {command}")
        session.commit()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `accord` command; returns the exit status."""
    from accord import wiring

    wiring.wire()
    try:
        result = app(args=argv, standalone_mode=False)
    except DomainError as exc:
        _audit_refusal(exc, argv)
        typer.echo(f"error: {exc.detail}", err=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        return 1
    except TyperException as exc:
        # Usage errors: one line, like every other refusal. Help asked for by no arguments is
        # printed whole.
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        code = int(getattr(exc, "exit_code", 2))
        if "\n" in message.strip():
            typer.echo(message, err=True)
        elif message.strip():
            typer.echo(f"error: {message}", err=True)
        return code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
