"""`accord records ...`: import (all or nothing, the first bad line named in one line, the
command's provenance flags), export (ids qualified where two agencies use one, references
rewritten alike), withdraw, list.

The world is built in a database of its own, committed for real, since the command opens its
own sessions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cli import main
from accord.records.models import SharedRecord
from accord.security.actor import Role
from tests.factories import make_user
from tests.records.conftest import SH_LINES, ZJ_LINES, World, jsonl


@pytest.fixture
def session(cli_db: Session) -> Session:
    """The world's session on the command's database (committing for real)."""
    return cli_db


class Cli:
    def __init__(self, session: Session, capsys: pytest.CaptureFixture[str]) -> None:
        self.session = session
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.session.commit()
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err

    def count(self) -> int:
        self.session.rollback()
        return int(self.session.scalar(select(func.count()).select_from(SharedRecord)) or 0)


@pytest.fixture
def cli(session: Session, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(session, capsys)


def write(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_import_then_export_with_qualified_ids(
    cli: Cli, session: Session, world: World, tmp_path: Path
) -> None:
    code, out, err = cli(
        "records", "import", str(write(tmp_path / "sh.jsonl", SH_LINES)), "--agency", "310000"
    )
    assert code == 0, err
    assert out.strip().startswith("310000: 7 created, 0 updated, 0 unchanged, 0 withdrawn")
    code, out, err = cli(
        "records",
        "import",
        str(write(tmp_path / "zj.jsonl", ZJ_LINES)),
        "--agency",
        "330000",
        "--handling-code",
        "H2",
        "--reliability",
        "B",
        "--accuracy",
        "2",
    )
    assert code == 0, err
    assert cli.count() == 9

    target = tmp_path / "out.jsonl"
    code, out, err = cli("records", "export", "--out", str(target))
    assert code == 0, err
    assert out.strip() == f"exported 9 records to {target}"
    exported = {e["id"]: e for e in map(json.loads, target.read_text().splitlines())}
    assert {"310000:p1", "330000:p1", "case1", "acc1", "zj-case-7"} <= set(exported)
    assert "p1" not in exported
    assert exported["case1"]["properties"]["involved"] == ["310000:p1"]
    assert exported["zj-case-7"]["properties"]["involved"] == ["330000:p1"]
    assert exported["pay1"]["properties"]["payer"] == ["310000:p1"]
    assert exported["pay1"]["properties"]["payerAccount"] == ["acc1"]
    assert exported["link1"]["properties"]["object"] == ["pay1"]
    zj = exported["330000:p1"]
    assert (zj["agency"], zj["handling_code"], zj["source_reliability"]) == ("330000", "H2", "B")
    assert zj["information_accuracy"] == 2
    assert zj["schema"] == "Person"


def test_a_bad_file_names_its_first_bad_line_and_writes_nothing(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    lines = [
        *jsonl(SH_LINES[:2]),
        json.dumps({"id": "x", "schema": "Nobody"}),
        *jsonl(SH_LINES[2:]),
    ]
    code, _out, err = cli(
        "records", "import", str(write(tmp_path / "bad.jsonl", lines)), "--agency", "310000"
    )

    assert code == 1
    assert err.strip() == "error: line 3: field 'schema': 'Nobody' is not a FollowTheMoney schema"
    assert "\n" not in err.strip()
    assert cli.count() == 0
    code, _, err = cli("records", "import", str(tmp_path / "missing.jsonl"), "--agency", "310000")
    assert code == 1
    assert "no such file" in err
    code, _, err = cli("records", "import", str(tmp_path / "bad.jsonl"), "--agency", "999")
    assert code == 1
    assert "no agency has the code '999'" in err
    code, _, err = cli(
        "records",
        "import",
        str(write(tmp_path / "ok.jsonl", SH_LINES)),
        "--agency",
        "310000",
        "--handling-code",
        "H9",
    )
    assert code == 1
    assert "H0, H1, H2 or H3" in err


def test_withdraw_and_list(cli: Cli, session: Session, world: World, tmp_path: Path) -> None:
    cli("records", "import", str(write(tmp_path / "sh.jsonl", SH_LINES)), "--agency", "310000")
    make_user(session, "sh.analyst", "310000", Role.ANALYST)
    make_user(session, "sh.officer", "310000", Role.OFFICER)

    code, out, err = cli(
        "records",
        "withdraw",
        "case1",
        "--agency",
        "310000",
        "--reason",
        "duplicate",
        "--as",
        "sh.analyst",
    )
    assert code == 0, err
    assert out.strip() == "withdrawn 310000:case1 (version 2)"
    code, _, err = cli(
        "records", "withdraw", "acc1", "--agency", "310000", "--reason", "x", "--as", "sh.officer"
    )
    assert code == 1
    assert "may not records.share" in err
    code, _, err = cli("records", "withdraw", "nope", "--agency", "310000", "--reason", "x")
    assert code == 1
    assert "310000 shares no record 'nope'" in err

    code, out, err = cli("records", "list", "--json", "--as", "sh.officer")
    assert code == 0, err
    rows = {r["entity_id"]: r for r in json.loads(out)}
    assert rows["case1"]["status"] == "withdrawn"
    assert rows["p1"]["caption"] == "张伟"
    code, out, _ = cli("records", "list", "--status", "active")
    assert code == 0
    assert "case1" not in out
    assert "acc1" in out

    target = tmp_path / "out.jsonl"
    cli("records", "export", "--out", str(target), "--agency", "310000")
    assert "case1" not in {json.loads(x)["id"] for x in target.read_text().splitlines()}
    # A user exports what they see in full, with a purpose.
    code, _, err = cli("records", "export", "--out", str(target), "--as", "sh.officer")
    assert code == 1
    assert "purpose" in err
    code, out, err = cli(
        "records", "export", "--out", str(target), "--as", "sh.officer", "--purpose", "linkage"
    )
    assert code == 0, err
    assert out.strip() == f"exported 6 records to {target}"
