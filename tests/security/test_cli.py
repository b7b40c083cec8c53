import json

import pytest
from sqlalchemy import select

from accord.audit.models import AuditEvent
from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker

# The demo without the year of assistance requests and the shared records: what these
# commands need, in a fraction of the time.
LIGHT = ("--without", "assistance", "--without", "records")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def events(url: str, action: str) -> list[AuditEvent]:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
    engine.dispose()
    return rows


def test_bootstrap_then_everything_needs_as(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:

    assert run(capsys, "demo", "load", *LIGHT)[0] == 0
    # Demo load made users, so a new user now needs someone to act.
    code, _, err = run(
        capsys, "users", "add", "zz.new", "--agency", "310000", "--name", "New", "--role", "officer"
    )
    assert code == 1
    assert err == "error: say who is acting: --as USERNAME\n"
    code, out, _ = run(
        capsys,
        "users",
        "add",
        "zz.new",
        "--agency",
        "310000",
        "--name",
        "New",
        "--role",
        "officer",
        "--as",
        "sh.admin",
        "--json",
    )
    assert code == 0
    made = json.loads(out)
    assert made["totp_secret"]
    assert made["user"]["agency"] == "310000"
    created = events(cli_env, "user.create")
    assert created[-1].actor_username == "sh.admin"
    assert created[-1].via == "cli"


def test_first_user_of_an_empty_installation(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    agencies = tmp_path / "a.jsonl"
    agencies.write_text(
        '{"code":"MPS","prefix":"MPS","name_zh":"公安部","name_en":"Ministry","level":"ministry"}\n',
        "utf-8",
    )
    assert run(capsys, "agencies", "import", str(agencies))[0] == 0
    code, out, _ = run(
        capsys,
        "users",
        "add",
        "root.admin",
        "--agency",
        "MPS",
        "--name",
        "Root",
        "--role",
        "platform_admin",
    )
    assert code == 0
    assert "TOTP secret" in out
    assert events(cli_env, "user.create")[0].actor_username == "cli-bootstrap"


def test_refused_command_is_one_line_and_audited(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo", "load", *LIGHT)
    code, out, err = run(capsys, "users", "list", "--agency", "320000", "--as", "sh.officer")
    assert code == 1
    assert out == ""
    assert err == "error: sh.officer may not users.read\n"
    denied = events(cli_env, "access.denied")
    assert [(e.actor_username, e.via, e.object_id) for e in denied] == [
        ("sh.officer", "cli", "cli users list 320000 sh.officer")
    ]


def test_unknown_or_deactivated_actor(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "demo", "load", *LIGHT)
    assert run(capsys, "users", "list", "--as", "ghost")[2] == "error: --as ghost: no such user\n"
    assert run(capsys, "users", "deactivate", "js.officer", "--as", "admin")[0] == 0
    assert (
        run(capsys, "users", "list", "--as", "js.officer")[2]
        == "error: --as js.officer: the user is deactivated\n"
    )


def test_tokens_from_the_command_line(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "demo", "load", *LIGHT)
    code, out, _ = run(
        capsys,
        "users",
        "token",
        "create",
        "js.liaison",
        "--name",
        "bureau system",
        "--scope",
        "directory.read",
        "--days",
        "30",
        "--as",
        "js.liaison",
        "--json",
    )
    assert code == 0
    issued = json.loads(out)
    assert issued["token"].startswith("acc_")
    code, out, _ = run(
        capsys, "users", "token", "list", "js.liaison", "--as", "js.liaison", "--json"
    )
    assert [t["name"] for t in json.loads(out)] == ["bureau system"]
    assert issued["token"] not in out
    assert (
        run(capsys, "users", "token", "revoke", issued["details"]["id"], "--as", "js.liaison")[0]
        == 0
    )
    assert (
        run(capsys, "users", "token", "revoke", "not-an-id", "--as", "js.liaison")[2]
        == "error: 'not-an-id' is not an id\n"
    )
