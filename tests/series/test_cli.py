"""`accord series discover | export | hub | list` on a database of their own (the commands open
their own sessions), committed for real."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from accord import cli as root
from accord.cli import main
from accord.core.clock import FrozenClock
from accord.security.actor import Role
from accord.series import cli as series_cli
from tests.factories import make_user
from tests.series.conftest import LATE_CASE, LATE_LINES, RING_ACCOUNT, Scenario


@pytest.fixture
def session(cli_db: Session) -> Session:
    """The world's session on the command's database (committing for real)."""
    return cli_db


@pytest.fixture(autouse=True)
def _mounted() -> None:
    """`accord series` as `accord.cli` mounts it once wired."""
    if not any(group.name == "series" for group in root.app.registered_groups):
        root.app.add_typer(series_cli.app, name="series")


def test_the_commands_discover_export_mark_and_list(
    session: Session,
    scenario: Scenario,
    frozen_clock: FrozenClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = scenario.world
    assert main(["series", "discover", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["mode"], summary["cases"], summary["series"]) == ("full", 13, 1)

    out = tmp_path / "series.jsonl"
    assert main(["series", "export", "--out", str(out)]) == 0
    assert "1 series written" in capsys.readouterr().out
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {
            "series": "SR-000001",
            "cases": ["310000:case-101", "320000:case-101", "ah-3", "zj-7"],
            "agencies": ["310000", "320000", "330000", "340000"],
        }
    ]

    # A new import is picked up by the next (incremental) run.
    frozen_clock.advance(timedelta(hours=1))
    world.share(session, LATE_CASE[0], LATE_LINES)
    frozen_clock.advance(timedelta(minutes=1))
    assert main(["series", "discover"]) == 0
    assert capsys.readouterr().out.startswith("incremental discovery: 14 cases, 1 series")
    assert main(["series", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["series"], listed["cases"], listed["first"]) == ("SR-000001", 5, "2026-09-03")

    # A hub mark names the analyst; the series changes at once.
    assert main(["series", "hub", "account", RING_ACCOUNT, "--reason", "x"]) == 1
    assert "--as" in capsys.readouterr().err
    username = "ah.cli-analyst"
    make_user(session, username, "340000", Role.ANALYST)
    session.commit()
    assert main(["series", "hub", "email", "a@b.c", "--reason", "x", "--as", username]) == 1
    assert "kind is one of" in capsys.readouterr().err
    assert main(["series", "hub", "account", "6222 0000 1111 2222", "--reason", "payment firm",
                 "--as", username]) == 0  # fmt: skip
    assert f"account {RING_ACCOUNT}: a hub" in capsys.readouterr().out
    assert main(["series", "list"]) == 0
    # Anhui's two cases reach the ring through the account (the late one also by phone).
    assert "SR-000001" in capsys.readouterr().out
    assert main(["series", "export", "--out", str(out)]) == 0
    capsys.readouterr()
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert "ah-3" not in line["cases"]
    assert "ah-9" in line["cases"]
    assert main(["series", "hub", "account", RING_ACCOUNT, "--unmark", "--reason", "checked",
                 "--as", username]) == 0  # fmt: skip
    assert "not a hub" in capsys.readouterr().out
    assert main(["series", "list", "--as", username, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["cases"] == 5
