"""`accord calendar ...`: load (idempotent, all or nothing), list, set and unset as a user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from accord.agencies import service as agencies_service
from accord.audit.models import AuditEvent
from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from tests.deadlines.helpers import count_events
from tests.factories import NAMED, record


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def admin(cli_env: str) -> str:
    """A platform administrator (and a liaison) in the CLI's database; returns the admin's name."""
    engine = make_engine(cli_env)
    with make_sessionmaker(engine)() as session:
        agencies_service.import_records(
            session, [(1, record(**NAMED["MPS"])), (2, record(**NAMED["SH"]))]
        )
        system = Actor.system("test")
        security_service.create_user(
            session,
            system,
            username="root.admin",
            display_name="Root",
            agency_code="MPS",
            roles=[Role.PLATFORM_ADMIN],
        )
        security_service.create_user(
            session,
            system,
            username="sh.liaison",
            display_name="Liaison",
            agency_code="310000",
            roles=[Role.LIAISON],
        )
        session.commit()
    engine.dispose()
    return "root.admin"


def test_load_the_shipped_calendar_then_list_a_year(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "calendar", "load")
    assert code == 0
    assert out.startswith("created 72, updated 0, unchanged 0")
    code, out, _ = run(capsys, "calendar", "load", "--json")
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 72, "clocks_moved": 0}
    code, out, _ = run(capsys, "calendar", "list", "--year", "2025", "--json")
    rows = json.loads(out)
    assert len(rows) == 33
    assert rows[1] == {
        "date": "2025-01-26",
        "kind": "workday",
        "name_zh": "春节调休上班",
        "name_en": "Spring Festival make-up working day",
    }
    code, out, _ = run(capsys, "calendar", "list", "--year", "2026")
    assert "2026-10-10  workday" in out


def test_a_bad_file_names_the_line_and_loads_nothing(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"date": "2027-01-01", "kind": "holiday"}\n{"date": "2027-01-02", "kind": "nap"}\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "calendar", "load", "--file", str(path))
    assert code == 1
    assert err.startswith("error: line 2: field 'kind'")
    assert err.count("\n") == 1
    _, out, _ = run(capsys, "calendar", "list", "--year", "2027", "--json")
    assert json.loads(out) == []


def test_set_and_unset_as_a_platform_admin(admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "calendar",
        "set",
        "2027-02-06",
        "--kind",
        "holiday",
        "--name-zh",
        "春节",
        "--name-en",
        "Spring Festival",
        "--as",
        admin,
    )
    assert (code, out) == (0, "2027-02-06 is now a holiday\n")
    _, out, _ = run(capsys, "calendar", "list", "--year", "2027", "--json")
    assert json.loads(out)[0]["name_zh"] == "春节"
    assert run(capsys, "calendar", "unset", "2027-02-06", "--as", admin)[0] == 0
    _, out, _ = run(capsys, "calendar", "list", "--year", "2027", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calendar", "set", "2027-02-06", "--kind", "holiday"], "error: say who is acting"),
        (
            ["calendar", "set", "2027-02-06", "--kind", "holiday", "--as", "sh.liaison"],
            "error: sh.liaison may not calendar.manage",
        ),
        (
            ["calendar", "set", "2027-02-30", "--kind", "holiday", "--as", "root.admin"],
            "error: '2027-02-30' is not a date",
        ),
        (
            ["calendar", "set", "2027-02-06", "--kind", "nap", "--as", "root.admin"],
            "error: Invalid value for '--kind'",
        ),
        (
            ["calendar", "unset", "2027-03-03", "--as", "root.admin"],
            "error: 2027-03-03 is not in the calendar",
        ),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    admin: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code != 0
    assert err.startswith(message)
    _, out, _ = run(capsys, "calendar", "list", "--year", "2027", "--json")
    assert json.loads(out) == []


def test_changes_are_audited_in_the_users_name(
    admin: str, cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "calendar", "load", "--as", admin)
    engine = make_engine(cli_env)
    with make_sessionmaker(engine)() as session:
        assert count_events(session, "calendar.loaded") == 1
        who = session.scalars(
            select(AuditEvent.actor_username).where(AuditEvent.action == "calendar.loaded")
        ).one()
        assert who == "root.admin"
    engine.dispose()
