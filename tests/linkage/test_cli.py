"""`accord linkage run | export | judge | runs` on a database of their own (the commands open
their own sessions), committed for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from accord.cli import main
from accord.security.actor import Role
from tests.factories import make_user
from tests.records.conftest import World


@pytest.fixture
def session(cli_db: Session) -> Session:
    """The world's session on the command's database (committing for real)."""
    return cli_db


def test_the_commands_run_export_and_judge(
    session: Session, linked: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["linkage", "run", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["mode"], summary["records"]) == ("incremental", 5)
    out = tmp_path / "clusters.jsonl"
    assert main(["linkage", "export", "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(set(line) == {"cluster", "records"} for line in lines)
    assert sorted(r for line in lines for r in line["records"]) == [
        "320000:p1", "330000:p1", "p2", "p3", "p7",
    ]  # fmt: skip
    assert main(["linkage", "run", "--engine", "nope"]) == 1
    assert "--engine is one of" in capsys.readouterr().err
    js, zj = linked.record(session, "JS", "p1"), linked.record(session, "ZJ", "p1")
    username = "js.cli-analyst"
    make_user(session, username, "320000", Role.ANALYST)
    session.commit()
    assert main(["linkage", "judge", str(js.id), "nonsense", "--verdict", "same", "--reason", "x",
                 "--as", username]) == 1  # fmt: skip
    assert main(["linkage", "judge", str(js.id), str(zj.id), "--verdict", "same",
                 "--reason", "same ID", "--as", username]) == 0  # fmt: skip
    assert main(["linkage", "runs"]) == 0
    assert "incremental" in capsys.readouterr().out
