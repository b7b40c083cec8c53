"""`accord notify ...`: agencies' webhook subscriptions, and the state of the delivery queue."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.core import cliutil
from accord.core.cliutil import cli_session, print_json
from accord.notify import webhooks
from accord.notify.api import webhook_out
from accord.notify.models import Delivery, OutboxMessage
from accord.security.actor import Actor

app = typer.Typer(help="Notifications: webhooks and the delivery queue.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Agencies' webhook subscriptions.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS_USER = Annotated[str, typer.Option("--as", help="Act as this user (needs webhooks.manage).")]


def acting(session: Session, username: str) -> Actor:
    """The actor behind `--as`."""
    return cliutil.cli_actor(session, username)


def _webhook_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise cliutil.fail(f"{value!r} is not a webhook id") from None


@webhooks_app.command("add")
def add_command(
    agency: Annotated[str, typer.Option(help="Code of the agency whose notifications to send.")],
    url: Annotated[str, typer.Option(help="The receiver's http(s) URL.")],
    as_user: AS_USER,
    event: Annotated[
        list[str] | None,
        typer.Option("--event", help="Only this event or prefix.* (repeat; default all)."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Subscribe a URL; prints the signing secret, which is not shown again."""
    with cli_session() as session:
        actor = acting(session, as_user)
        agency_id = agencies_service.get_by_code(session, agency).id
        hook, secret = webhooks.create_webhook(
            session, actor, agency_id=agency_id, url=url, events=event or []
        )
        session.commit()
        out = webhook_out(session, hook)
    if as_json:
        print_json({**out.model_dump(mode="json"), "secret": secret})
    else:
        typer.echo(f"webhook {out.id} for {out.agency} -> {out.url}")
        typer.echo(f"secret (shown once): {secret}")


@webhooks_app.command("list")
def list_command(
    as_user: AS_USER,
    agency: Annotated[str | None, typer.Option(help="Only this agency's subscriptions.")] = None,
    as_json: JSON = False,
) -> None:
    """List the subscriptions you manage (secrets are never listed)."""
    with cli_session() as session:
        actor = acting(session, as_user)
        agency_id = agencies_service.get_by_code(session, agency).id if agency else None
        hooks = [
            webhook_out(session, h)
            for h in webhooks.list_webhooks(session, actor, agency_id=agency_id)
        ]
    if as_json:
        print_json([h.model_dump(mode="json") for h in hooks])
        return
    for h in hooks:
        events = ",".join(h.events) or "*"
        typer.echo(f"{h.id}  {h.agency:<12} {events:<24} {h.url}")


@webhooks_app.command("remove")
def remove_command(
    webhook_id: Annotated[str, typer.Argument(help="The subscription's id.")],
    as_user: AS_USER,
) -> None:
    """Remove a subscription."""
    with cli_session() as session:
        actor = acting(session, as_user)
        webhooks.remove_webhook(session, actor, _webhook_id(webhook_id))
        session.commit()
    typer.echo(f"removed webhook {webhook_id}")


@app.command("status")
def status_command(as_json: JSON = False) -> None:
    """Count undispatched messages and deliveries by channel and status."""
    with cli_session() as session:
        waiting = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.dispatched_at.is_(None))
        )
        rows = session.execute(
            select(Delivery.channel, Delivery.status, func.count())
            .group_by(Delivery.channel, Delivery.status)
            .order_by(Delivery.channel, Delivery.status)
        ).all()
    counts = {f"{channel}.{status}": int(n) for channel, status, n in rows}
    if as_json:
        print_json({"undispatched": int(waiting or 0), "deliveries": counts})
        return
    typer.echo(f"undispatched messages: {int(waiting or 0)}")
    for key, n in counts.items():
        typer.echo(f"  {key:<24} {n}")
