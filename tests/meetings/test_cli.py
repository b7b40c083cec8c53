"""`accord meetings ...`: schedule, add an agenda item, decide, list, and work a command."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from tests.factories import make_user
from tests.meetings.helpers import make_yrd


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def yrd_db(cli_env: str) -> str:
    engine = make_engine(cli_env)
    with make_sessionmaker(engine)() as session:
        _setup(session)
    engine.dispose()
    return cli_env


def _setup(session: Session) -> None:
    yrd = make_yrd(session)
    make_user(session, "yrd.sec", "310000")
    security_service.grant_role(
        session, Actor.system(), username="yrd.sec", role=Role.SECRETARIAT, zone_id=yrd.zone.id
    )
    make_user(session, "zj.liaison", "330000", Role.LIAISON)
    make_user(session, "han.liaison", "VN-HAN", Role.LIAISON)
    session.commit()


def test_the_meeting_flow_on_the_command_line(
    yrd_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    soon = datetime.now(UTC) + timedelta(days=10)
    code, out, err = run(
        capsys,
        "meetings", "create", "YRD", "--title", "联席会议",
        "--at", soon.isoformat(), "--cutoff", (soon - timedelta(days=3)).isoformat(),
        "--as", "yrd.sec",
    )  # fmt: skip
    assert code == 0, err
    ref = out.strip()
    code, out, err = run(
        capsys, "meetings", "agenda", "add", ref, "--title", "追逃", "--as", "zj.liaison"
    )
    assert code == 0, err
    item_id = out.strip()
    code, _out, err = run(
        capsys, "meetings", "decide", item_id, "--text", "x", "--owners", "all",
        "--deadline", (soon + timedelta(days=30)).isoformat(), "--as", "yrd.sec",
    )  # fmt: skip
    assert code == 1
    assert "only once it has been held" in err
    for action in ("publish_agenda", "hold"):
        assert run(capsys, "meetings", "move", ref, action, "--as", "yrd.sec")[0] == 0
    code, _out, err = run(
        capsys, "meetings", "decide", item_id, "--text", "x", "--owners", "330000,VN-HAN",
        "--deadline", (soon + timedelta(days=30)).isoformat(), "--as", "yrd.sec",
    )  # fmt: skip
    assert code == 1
    assert "not a member" in err
    code, out, err = run(
        capsys, "meetings", "decide", item_id, "--text", "各地开展追逃行动", "--owners", "all",
        "--deadline", (soon + timedelta(days=30)).isoformat(), "--as", "yrd.sec",
    )  # fmt: skip
    assert code == 0, err
    zj_ref = next(line.split()[0] for line in out.splitlines() if line.endswith("330000"))
    code, out, _err = run(capsys, "meetings", "commands", "list", "YRD", "--json")
    assert len(json.loads(out)) == 4
    assert run(capsys, "meetings", "commands", "ack", zj_ref, "--as", "han.liaison")[0] == 1
    for verb in ("ack", "start", "done"):
        code, out, err = run(capsys, "meetings", "commands", verb, zj_ref, "--as", "zj.liaison")
        assert code == 0, err
    assert "done" in out
    code, out, _err = run(capsys, "meetings", "list", "YRD", "--json")
    assert json.loads(out)[0]["status"] == "held"
    code, out, _err = run(capsys, "meetings", "show", ref)
    assert json.loads(out)["agenda"][0]["title"] == "追逃"
    code, out, _err = run(capsys, "meetings", "commands", "list", "YRD", "--overdue")
    assert code == 0
    assert out == ""
    code, out, _err = run(capsys, "meetings", "commands", "sweep")
    assert code == 0
    assert out.strip() == "announced 0"
