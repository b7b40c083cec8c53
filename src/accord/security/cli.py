"""`accord users ...`: users, role grants, resets and API tokens from the command line."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from accord.core.cliutil import acting_or_bootstrap, cli_actor, cli_session, print_json
from accord.security import service, tokens, totp
from accord.security.actor import Role
from accord.security.api import token_out, user_out

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting (audited).")]


@app.command("add")
def add(
    username: Annotated[str, typer.Argument()],
    agency: Annotated[str, typer.Option(help="Agency code, e.g. 310000.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    role: Annotated[list[Role] | None, typer.Option("--role", help="Role (repeatable).")] = None,
    email: Annotated[str, typer.Option()] = "",
    subordinates: Annotated[
        bool, typer.Option(help="Roles also cover subordinate agencies.")
    ] = False,
    password: Annotated[str | None, typer.Option(help="Generated when omitted.")] = None,
    acting: AS = None,
    as_json: JSON = False,
) -> None:
    """Create a user; prints the password and TOTP secret once. The first user needs no --as."""
    with cli_session() as session:
        actor = acting_or_bootstrap(session, acting)
        created = service.create_user(
            session,
            actor,
            username=username,
            display_name=name,
            agency_code=agency,
            email=email,
            password=password,
            roles=role or [],
            include_subordinates=subordinates,
        )
        session.commit()
        secret = created.totp_secret
        out = {
            "user": user_out(created.user).model_dump(mode="json"),
            "password": created.password,
            "totp_secret": secret,
            "totp_uri": totp.provisioning_uri(secret, created.user.username) if secret else None,
        }
    if as_json:
        print_json(out)
        return
    typer.echo(f"created {username} at {agency}")
    typer.echo(f"  password:    {created.password}")
    if secret:
        typer.echo(f"  TOTP secret: {secret}")
        typer.echo(f"  TOTP URI:    {out['totp_uri']}")


@app.command("list")
def list_command(
    agency: Annotated[str | None, typer.Option(help="Only users of this agency code.")] = None,
    acting: AS = None,
    as_json: JSON = False,
) -> None:
    """List the users in the acting user's scope."""
    with cli_session() as session:
        actor = cli_actor(session, acting)
        users = service.list_users(session, actor, agency_code=agency)
        rows = [user_out(u).model_dump(mode="json") for u in users]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        roles = ",".join(sorted({g["role"] for g in r["grants"]})) or "-"
        state = "active" if r["active"] else "deactivated"
        typer.echo(
            f"{r['username']:<24} {r['agency']:<12} {state:<12} {roles}  {r['display_name']}"
        )


@app.command("show")
def show(username: str, acting: AS = None, as_json: JSON = False) -> None:
    """Show one user and their grants."""
    with cli_session() as session:
        actor = cli_actor(session, acting)
        out = user_out(service.show_user(session, actor, username)).model_dump(mode="json")
    if as_json:
        print_json(out)
        return
    state = "active" if out["active"] else "deactivated"
    typer.echo(f"{out['username']}  {out['display_name']}  ({out['agency']}, {state})")
    for g in out["grants"]:
        scope = g["agency"] or "platform"
        below = " +subordinates" if g["include_subordinates"] else ""
        typer.echo(f"  {g['id']}  {g['role']:<15} {scope}{below}")


@app.command("grant")
def grant(
    username: str,
    role: Annotated[Role, typer.Option()],
    agency: Annotated[
        str | None, typer.Option(help="Agency code; the user's own by default.")
    ] = None,
    subordinates: Annotated[bool, typer.Option()] = False,
    zone: Annotated[str | None, typer.Option(help="Zone id, for director and secretariat.")] = None,
    acting: AS = None,
) -> None:
    """Grant a role."""
    with cli_session() as session:
        actor = cli_actor(session, acting)
        service.grant_role(
            session,
            actor,
            username=username,
            role=role,
            agency_code=agency,
            include_subordinates=subordinates,
            zone_id=uuid.UUID(zone) if zone else None,
        )
        session.commit()
    typer.echo(f"granted {role.value} to {username}")


@app.command("revoke")
def revoke(
    username: str,
    grant_id: Annotated[str, typer.Argument(help="Grant id (see `show`).")],
    acting: AS = None,
) -> None:
    """Revoke a role grant."""
    with cli_session() as session:
        actor = cli_actor(session, acting)
        service.revoke_role(session, actor, username=username, grant_id=_uuid(grant_id))
        session.commit()
    typer.echo(f"revoked grant {grant_id} of {username}")


@app.command("deactivate")
def deactivate(username: str, acting: AS = None) -> None:
    """Deactivate a user: sessions and tokens stop working at once."""
    with cli_session() as session:
        service.set_active(session, cli_actor(session, acting), username=username, active=False)
        session.commit()
    typer.echo(f"deactivated {username}")


@app.command("activate")
def activate(username: str, acting: AS = None) -> None:
    """Reactivate a user."""
    with cli_session() as session:
        service.set_active(session, cli_actor(session, acting), username=username, active=True)
        session.commit()
    typer.echo(f"activated {username}")


@app.command("reset-password")
def reset_password(username: str, acting: AS = None) -> None:
    """Give a user a new generated password (printed once); unlocks the account."""
    with cli_session() as session:
        password = service.reset_password(session, cli_actor(session, acting), username=username)
        session.commit()
    typer.echo(f"new password of {username}: {password}")


@app.command("reset-totp")
def reset_totp(username: str, acting: AS = None) -> None:
    """Give a user a new TOTP secret (printed once)."""
    with cli_session() as session:
        secret = service.reset_totp(session, cli_actor(session, acting), username=username)
        session.commit()
    typer.echo(f"new TOTP secret of {username}: {secret}")
    typer.echo(f"  {totp.provisioning_uri(secret, username)}")


@token_app.command("create")
def token_create(
    username: str,
    name: Annotated[str, typer.Option()],
    scope: Annotated[
        list[str], typer.Option("--scope", help="Permission or domain.* (repeatable).")
    ],
    days: Annotated[int, typer.Option()] = 90,
    acting: AS = None,
    as_json: JSON = False,
) -> None:
    """Issue an API token (printed once)."""
    with cli_session() as session:
        issued = tokens.create(
            session,
            cli_actor(session, acting),
            username=username,
            name=name,
            scopes=scope,
            days=days,
        )
        session.commit()
        out = {"token": issued.token, "details": token_out(issued.row).model_dump(mode="json")}
    if as_json:
        print_json(out)
    else:
        typer.echo(issued.token)


@token_app.command("list")
def token_list(username: str, acting: AS = None, as_json: JSON = False) -> None:
    """List a user's tokens (never the secrets)."""
    with cli_session() as session:
        rows = [
            token_out(r).model_dump(mode="json")
            for r in tokens.list_tokens(session, cli_actor(session, acting), username=username)
        ]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        state = "revoked" if r["revoked_at"] else f"expires {r['expires_at']}"
        typer.echo(f"{r['id']}  {r['prefix']}…  {r['name']:<20} {' '.join(r['scopes'])}  {state}")


@token_app.command("revoke")
def token_revoke(token_id: str, acting: AS = None) -> None:
    """Revoke a token."""
    with cli_session() as session:
        tokens.revoke(session, cli_actor(session, acting), _uuid(token_id))
        session.commit()
    typer.echo(f"revoked token {token_id}")


def _uuid(text: str) -> uuid.UUID:
    from accord.core.errors import InvalidInput

    try:
        return uuid.UUID(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an id", field="id") from None
