"""`accord assist ...`: list with statuses, show, send (flags and file), the moves, a message,
an import that writes all lines or none, and an export that imports again.

The `world` of the assistance tests is built in a database of its own, committed for real,
since the command opens its own sessions; the users acting with `--as` are real accounts with
the usernames of the world's actors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.assistance.models import AssistanceMessage, AssistanceRequest
from accord.audit.models import AuditEvent
from accord.cli import main
from accord.security.actor import Role
from tests.assistance.conftest import World
from tests.factories import make_user


@pytest.fixture
def session(cli_db: Session) -> Session:
    """The world's session on the command's database (committing for real)."""
    return cli_db


@pytest.fixture
def people(session: Session, world: World) -> World:
    """Accounts for the world's actors who act on the command line."""
    for username, code, role in (
        ("sh.investigator", "310000", Role.INVESTIGATOR),
        ("zj.liaison", "330000", Role.LIAISON),
        ("zj.officer", "330000", Role.OFFICER),
        ("js.liaison", "320000", Role.LIAISON),
    ):
        make_user(session, username, code, role)
    return world


class Cli:
    def __init__(self, session: Session, capsys: pytest.CaptureFixture[str]) -> None:
        self.session = session
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.session.commit()  # no transaction of the test's stands in the command's way
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    def count(self, model: type[object] = AssistanceRequest) -> int:
        self.session.rollback()  # a new snapshot: see what the command committed
        return int(self.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def cli(session: Session, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(session, capsys)


def test_list_json_lists_requests_with_their_status(
    session: Session, people: World, cli: Cli
) -> None:
    first = people.ask(session)
    second = people.ask(session, to="JS", request_type="records_check", urgency="routine")
    rows = cli.json("assist", "list")
    assert isinstance(rows, list)
    assert {(r["reference"], r["status"]) for r in rows} == {
        (first.reference, "requested"),
        (second.reference, "requested"),
    }
    row = next(r for r in rows if r["reference"] == first.reference)
    assert row["addressee"] == "330000"
    assert row["due_at"] is not None
    assert row["overdue"] is False

    assert cli("assist", "act", first.reference, "accept", "--as", "zj.liaison")[0] == 0
    inbox = cli.json("assist", "list", "--as", "zj.liaison")
    assert [(r["reference"], r["status"]) for r in inbox] == [(first.reference, "accepted")]
    assert cli.json("assist", "list", "--as", "zj.liaison", "--box", "sent") == []
    accepted = cli.json("assist", "list", "--status", "accepted")
    assert [r["reference"] for r in accepted] == [first.reference]
    code, out, _ = cli("assist", "list")
    assert first.reference in out
    assert "accepted" in out

    code, _, err = cli("assist", "list", "--status", "lost")
    assert code == 1
    assert err.startswith("error: --status 'lost'")
    code, _, err = cli("assist", "list", "--box", "trash")
    assert code == 1
    assert "--box is one of inbox, sent, all" in err


def test_show_is_an_audited_read_that_receives(session: Session, people: World, cli: Cli) -> None:
    request = people.ask(session)
    shown = cli.json("assist", "show", request.reference, "--as", "zj.liaison")
    assert isinstance(shown, dict)
    assert shown["status"] == "received"
    assert [e["action"] for e in shown["history"]] == ["submit", "receive"]
    assert shown["allowed_actions"] == ["accept", "reject"]
    assert shown["subjects"][0]["value"] == "110101199003071234"
    session.rollback()
    reads = session.scalars(
        select(AuditEvent.actor_username).where(
            AuditEvent.action == "assistance_request.read",
            AuditEvent.object_id == str(request.id),
        )
    ).all()
    assert reads == ["zj.liaison"]

    code, out, _ = cli("assist", "show", request.reference, "--as", "sh.investigator")
    assert code == 0
    assert out.splitlines()[0].startswith(f"{request.reference}  received  urgent  locate")
    assert "you may: cancel" in out

    code, _, err = cli("assist", "show", request.reference)
    assert code == 1
    assert "say who is acting: --as USERNAME" in err
    code, _, err = cli("assist", "show", "SH-2026-999999", "--as", "zj.liaison")
    assert code == 1
    assert "no assistance request" in err


def test_send_and_work_a_request_to_its_outcome(
    session: Session, people: World, cli: Cli, tmp_path: Path
) -> None:
    code, out, err = cli(
        "assist", "send", "--as", "sh.investigator", "--to", "330000", "--type", "locate",
        "--urgency", "urgent", "--title", "查找嫌疑人下落", "--case", "沪公刑 2026-0815",
        "--subject", "person:330106198807152413:张伟", "--subject", "phone:13812345678",
    )  # fmt: skip
    assert code == 0, err
    reference, status = out.split()
    assert status == "requested"
    session.rollback()
    request = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.reference == reference)
    ).one()
    assert request.requested_by == "sh.investigator"
    assert [s["kind"] for s in request.subjects] == ["person", "phone"]
    assert request.subjects[0]["name"] == "张伟"

    def act(user: str, action: str, *extra: str) -> tuple[int, str, str]:
        return cli("assist", "act", reference, action, "--as", user, *extra)

    assert act("zj.liaison", "accept") == (0, f"{reference} accepted\n", "")
    assert act("zj.officer", "start")[0] == 0
    code, _, err = act("zj.officer", "hold")
    assert code == 1
    assert "hold needs a reason" in err
    assert act("zj.officer", "hold", "--reason", "等待上海补充照片")[1].endswith("on_hold\n")
    code, _, err = act("zj.officer", "complete", "--outcome", "x")
    assert code == 1
    assert "cannot complete when the status is on_hold; allowed: " in err
    assert act("zj.officer", "resume")[0] == 0
    code, _, err = act("sh.investigator", "complete", "--outcome", "x")
    assert code == 1
    assert "may not complete" in err
    code, _, err = act("zj.officer", "complete", "--outcome", "找到", "--outcome-code", "maybe")
    assert code == 1
    assert err.startswith("error: outcome_code:")
    code, _, err = act("zj.officer", "fly")
    assert code == 1
    assert "cannot fly when the status is in_progress" in err
    code, out, err = cli(
        "assist", "message", reference, "嫌疑人已找到，正在办理交接", "--as", "zj.officer"
    )
    assert code == 0, err
    assert cli.count(AssistanceMessage) == 1
    done = act(
        "zj.officer", "complete", "--outcome", "嫌疑人已在杭州找到", "--outcome-code", "achieved",
        "--json",
    )  # fmt: skip
    assert done[0] == 0, done[2]
    finished = json.loads(done[1])
    assert finished["status"] == "completed"
    assert finished["outcome_code"] == "achieved"
    shown = cli.json("assist", "show", reference, "--as", "sh.investigator")
    assert isinstance(shown, dict)
    assert [e["to_status"] for e in shown["history"]] == [
        "requested", "received", "accepted", "in_progress", "on_hold", "in_progress", "completed",
    ]  # fmt: skip
    assert shown["messages"][0]["body"] == "嫌疑人已找到，正在办理交接"


def test_send_from_a_file_with_flags_on_top(
    session: Session, people: World, cli: Cli, tmp_path: Path
) -> None:
    file = tmp_path / "request.json"
    file.write_text(
        json.dumps(
            {
                "request_type": "records_check",
                "urgency": "routine",
                "addressee": "320000",
                "title": "调取住宿记录",
                "handling_code": "H2",
                "subjects": [{"kind": "vehicle", "value": "沪A12345"}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    sent = cli.json(
        "assist", "send", "--file", str(file), "--urgency", "high", "--as", "sh.investigator"
    )
    assert isinstance(sent, dict)
    assert (sent["addressee"]["code"], sent["urgency"], sent["handling_code"]) == (
        "320000",
        "high",
        "H2",
    )
    before = cli.count()
    code, _, err = cli(
        "assist", "send", "--file", str(file), "--urgency", "soon", "--as", "sh.investigator"
    )
    assert code == 1
    assert err.startswith("error: urgency:")
    code, _, err = cli(
        "assist", "send", "--file", str(file), "--to", "VN-HAN", "--as", "sh.investigator"
    )
    assert code == 1
    assert "may not address VN-HAN" in err
    (tmp_path / "broken.json").write_text("[1, 2", encoding="utf-8")
    code, _, err = cli("assist", "send", "--file", str(tmp_path / "broken.json"), "--as", "x")
    assert code == 1
    assert "is not a JSON object" in err
    assert cli.count() == before


def _line(**fields: object) -> str:
    data: dict[str, object] = {
        "request_type": "locate",
        "urgency": "high",
        "addressee": "330000",
        "requesting_agency": "310000",
        "title": "查找嫌疑人下落",
        "subjects": [{"kind": "person", "value": "330106198807152413", "name": "张伟"}],
        **fields,
    }
    return json.dumps(data, ensure_ascii=False)


def test_import_writes_every_line_or_none(
    session: Session, people: World, cli: Cli, tmp_path: Path
) -> None:
    file = tmp_path / "requests.jsonl"
    file.write_text(
        "\n".join([_line(), _line(urgency="whenever"), _line(addressee="320000")]) + "\n",
        encoding="utf-8",
    )
    code, _, err = cli("assist", "import", str(file))
    assert code == 1
    assert err.startswith("error: line 2: field 'urgency':")
    assert cli.count() == 0

    # Every line valid on its own; the service refuses the third: nothing is written.
    file.write_text(
        "\n".join([_line(), _line(addressee="320000"), "", _line(addressee="VN-HAN")]) + "\n",
        encoding="utf-8",
    )
    code, _, err = cli("assist", "import", str(file))
    assert code == 1
    assert err.startswith("error: line 4: field 'addressee': 310000 may not address VN-HAN")
    assert cli.count() == 0
    code, _, err = cli("assist", "import", str(file), "--as", "zj.liaison")
    assert code == 1
    assert "line 1:" in err
    assert "may not assist.request" in err
    assert cli.count() == 0

    file.write_text(
        "\n".join([_line(), _line(addressee="320000", urgency="routine")]) + "\n",
        encoding="utf-8",
    )
    imported = cli.json("assist", "import", str(file))
    assert isinstance(imported, dict)
    assert imported["imported"] == 2
    assert cli.count() == 2
    code, _, err = cli("assist", "import", str(tmp_path / "missing.jsonl"))
    assert code == 1
    assert "no such file" in err


def test_export_writes_the_requests_with_their_history_and_imports_again(
    session: Session, people: World, cli: Cli, tmp_path: Path
) -> None:
    first = people.ask(session, handling_code="H2")
    people.ask(session, to="JS", request_type="records_check", urgency="routine")
    assert cli("assist", "act", first.reference, "accept", "--as", "zj.liaison")[0] == 0
    out = tmp_path / "export.jsonl"
    code, _, err = cli("assist", "export", "--out", str(out))
    assert code == 0, err
    assert "exported 2 requests" in err
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    listed = cli.json("assist", "list")
    assert isinstance(listed, list)
    assert [(x["reference"], x["status"]) for x in lines] == [
        (r["reference"], r["status"]) for r in listed
    ]
    exported = next(x for x in lines if x["reference"] == first.reference)
    assert [e["action"] for e in exported["history"]] == ["submit", "receive", "accept"]
    assert exported["subjects"][0]["name"] == "张伟"
    assert exported["handling_code"] == "H2"
    session.rollback()
    audited = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "assistance_request.exported")
    )
    assert audited == 2

    accepted = tmp_path / "accepted.jsonl"
    code, _, err = cli(
        "assist", "export", "--out", str(accepted), "--status", "accepted",
        "--as", "zj.liaison",
    )  # fmt: skip
    assert code == 0, err
    assert len(accepted.read_text(encoding="utf-8").splitlines()) == 1

    # The exported requests, imported again, are sent anew with the same contents.
    imported = cli.json("assist", "import", str(out))
    assert isinstance(imported, dict)
    assert imported["imported"] == 2
    session.rollback()
    copy = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.reference == imported["references"][0])
    ).one()
    original = next(x for x in lines if x["reference"] != first.reference)
    assert copy.status.value == "requested"
    assert (copy.title, copy.request_type, copy.urgency) == (
        original["title"],
        original["request_type"],
        original["urgency"],
    )
    assert copy.addressee_agency is not None
    assert copy.addressee_agency.code == original["addressee"]["code"]
    assert copy.subjects == original["subjects"]
