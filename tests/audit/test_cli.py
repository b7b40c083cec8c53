"""`accord audit ...` run in-process against a fresh database."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.audit import service, subjects
from accord.audit.models import AuditEvent
from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from tests.factories import make_actor, make_named

PERSON = "11010519491231002X"


@pytest.fixture
def db(cli_env: str) -> Iterator[Session]:
    """A session on the CLI's database, with an auditor user and three recorded checks."""
    engine = make_engine(cli_env)
    session = make_sessionmaker(engine)()
    sh = make_named(session, "SH")["SH"]
    security_service.create_user(
        session,
        Actor.system(),
        username="auditor1",
        display_name="Auditor One",
        agency_code="310000",
        roles=[Role.AUDITOR],
    )
    officer = make_actor(sh, Role.OFFICER, username="wang")
    for i in range(3):
        service.record(
            session,
            officer,
            action="check.person",
            purpose=f"check {i}",
            case_ref="SH-2026-000001" if i == 0 else None,
            subjects=[subjects.resident_id(PERSON)],
        )
    session.commit()
    yield session
    session.close()
    engine.dispose()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def events(session: Session, action: str) -> int:
    session.rollback()  # see what the command committed
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    return int(session.scalar(stmt) or 0)


def test_chain_then_verify(
    db: Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_AUDIT_CHECKPOINT_EVERY", "2")
    # 3 checks + the auditor's creation = 4 events
    assert run(capsys, "audit", "chain") == (
        0,
        "chained 4 events; signed checkpoints at 2, 4\n",
        "",
    )
    code, out, _ = run(capsys, "audit", "chain", "--json")
    assert (code, json.loads(out)) == (0, {"chained": 0, "checkpoints": []})
    assert run(capsys, "audit", "verify") == (
        0,
        "audit chain intact: 4 events, last checkpoint at position 4\n",
        "",
    )
    code, out, _ = run(capsys, "audit", "verify", "--json", "--no-chain")
    body = json.loads(out)
    assert (code, body["ok"], body["checked"], body["checkpoints"]) == (0, True, 4, 2)
    assert body["last_checkpoint"]["position"] == 4


def test_verify_chains_pending_events_first_unless_told_not_to(
    db: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "audit", "verify", "--no-chain", "--json")
    assert (code, json.loads(out)["checked"], json.loads(out)["pending"]) == (0, 0, 4)
    assert run(capsys, "audit", "verify")[1] == "audit chain intact: 4 events, no checkpoint yet\n"


def test_who_looked(db: Session, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "audit", "who-looked", "--subject", "resident_id:110105491231002", "--as", "auditor1",
        "--purpose", "complaint 7", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["subject"] == f"resident_id:{PERSON}"
    assert [x["purpose"] for x in body["looks"]] == ["check 2", "check 1", "check 0"]
    assert [x["case_ref"] for x in body["looks"]] == [None, None, "SH-2026-000001"]
    assert events(db, "audit.who_looked") == 1
    asked = db.scalars(select(AuditEvent).where(AuditEvent.action == "audit.who_looked")).one()
    assert (asked.actor_username, asked.via, asked.purpose) == ("auditor1", "cli", "complaint 7")
    code, out, _ = run(
        capsys, "audit", "who-looked", "--subject", f"resident_id:{PERSON}", "--as", "auditor1"
    )
    lines = out.splitlines()
    assert code == 0
    # The auditor's own first question is now on file too, newest first.
    assert "auditor1@310000" in lines[0]
    assert "audit.who_looked" in lines[0]
    assert "wang@310000" in lines[1]
    assert "no case" in lines[1]
    assert lines[-1].endswith("check 0")
    code, out, _ = run(
        capsys, "audit", "who-looked", "--subject", "plate:沪A00000", "--as", "auditor1"
    )
    assert out == "nobody looked at plate:沪A00000\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subject", "dna:ACGT", "--as", "auditor1"], "error: unknown subject kind 'dna'"),
        (["--subject", f"resident_id:{PERSON}"], "error: say who is acting: --as USERNAME"),
        (
            ["--subject", f"resident_id:{PERSON}", "--as", "nobody"],
            "error: --as nobody: no such user",
        ),
        (
            ["--subject", f"resident_id:{PERSON}", "--as", "auditor1", "--limit", "0"],
            "error: limit must be between 1 and 1000",
        ),
    ],
)
def test_who_looked_refusals_are_one_line_and_record_nothing(
    db: Session, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "audit", "who-looked", *args)
    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert events(db, "audit.who_looked") == 0


def test_an_officer_may_not_ask_who_looked(db: Session, capsys: pytest.CaptureFixture[str]) -> None:
    security_service.create_user(
        db, Actor.system(), username="officer1", display_name="O", agency_code="310000",
        roles=[Role.OFFICER],
    )  # fmt: skip
    db.commit()
    code, _, err = run(
        capsys, "audit", "who-looked", "--subject", f"resident_id:{PERSON}", "--as", "officer1"
    )
    assert code == 1
    assert err == "error: officer1 may not audit.read\n"


def test_export_key_and_verify_against_it(
    db: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_AUDIT_CHECKPOINT_EVERY", "2")
    code, out, err = run(capsys, "audit", "export-key")
    assert code == 0
    assert out.startswith("-----BEGIN PUBLIC KEY-----")
    assert err.startswith("key id ")
    pinned = tmp_path / "audit.pub"
    code, _, err = run(capsys, "audit", "export-key", "--out", str(pinned))
    assert code == 0
    assert pinned.read_text() == out
    code, out, _ = run(capsys, "audit", "export-key", "--json")
    assert len(json.loads(out)["public_key"]) == 64
    assert run(capsys, "audit", "verify", "--trusted-key", str(pinned))[0] == 0

    other = tmp_path / "other.pub"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    code, out, err = run(capsys, "audit", "verify", "--trusted-key", str(other))
    assert code == 1
    assert err.startswith("error: audit chain broken at position 2: the checkpoint of position 2")
    assert err.rstrip().endswith("which is not trusted")
    code, out, _ = run(capsys, "audit", "verify", "--json", "--trusted-key", str(other))
    assert (code, json.loads(out)["first_break"]) == (1, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "error: cannot read"), (b"not a key", "is not an Ed25519 public key in PEM")],
)
def test_a_bad_trusted_key_file_is_one_line(
    db: Session,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / "key.pem"
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(capsys, "audit", "verify", "--trusted-key", str(path))
    assert code == 1
    assert message in err
    assert err.count("\n") == 1
