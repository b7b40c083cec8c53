"""`accord attachments add|get|list`: the same checks as the API, one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker
from accord.security.actor import Role
from tests.attachments.conftest import PDF, PNG, stored_files
from tests.factories import make_named, make_user


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def users(cli_env: str, blobs: Path) -> None:
    engine = make_engine(cli_env)
    with make_sessionmaker(engine)() as session:
        make_named(session, "SH", "JS")
        make_user(session, "sh.officer", "310000", Role.OFFICER)
        make_user(session, "js.officer", "320000", Role.OFFICER)
    engine.dispose()


def test_add_list_and_get(
    users: None, blobs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(PDF)
    code, out, err = run(
        capsys, "attachments", "add", str(source), "--object", "case:SH-2026-000001",
        "--as", "sh.officer", "--json",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert (added["filename"], added["media_type"], added["size"]) == (
        "report.pdf",
        "application/pdf",
        len(PDF),
    )
    code, out, _ = run(
        capsys, "attachments", "list", "--object", "case:SH-2026-000001", "--as", "sh.officer"
    )
    assert added["id"] in out
    target = tmp_path / "copy.pdf"
    code, out, err = run(
        capsys, "attachments", "get", added["id"], "--out", str(target), "--as", "sh.officer",
        "--purpose", "case review",
    )  # fmt: skip
    assert code == 0, err
    assert target.read_bytes() == PDF


def test_refusals_are_one_line_and_store_nothing(
    users: None, blobs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(PNG)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    cases = [
        (str(fake), "case:1", "sh.officer", "is not application/pdf"),
        (str(empty), "case:1", "sh.officer", "the file is empty"),
        (str(fake), "case-without-id", "sh.officer", "--object must be TYPE:ID"),
        (str(tmp_path / "missing.pdf"), "case:1", "sh.officer", "cannot read"),
        (str(fake), "case:1", "nobody", "no such user"),
    ]
    for path, ref, user, message in cases:
        code, _, err = run(capsys, "attachments", "add", path, "--object", ref, "--as", user)
        assert code == 1, (path, ref)
        assert err.count("\n") == 1
        assert message in err
    assert stored_files(blobs) == []
    code, out, _ = run(
        capsys, "attachments", "list", "--object", "case:1", "--as", "sh.officer", "--json"
    )
    assert json.loads(out) == []


def test_another_agency_cannot_get_it(
    users: None, blobs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "r.pdf"
    source.write_bytes(PDF)
    _, out, _ = run(
        capsys, "attachments", "add", str(source), "--object", "case:9", "--as", "sh.officer",
        "--json",
    )  # fmt: skip
    attachment_id = json.loads(out)["id"]
    target = tmp_path / "stolen.pdf"
    code, _, err = run(
        capsys, "attachments", "get", attachment_id, "--out", str(target), "--as", "js.officer"
    )
    assert code == 1
    assert "may not read" in err
    assert not target.exists()
    code, _, err = run(
        capsys, "attachments", "get", "nope", "--out", str(target), "--as", "sh.officer"
    )
    assert (code, err) == (1, "error: 'nope' is not an attachment id\n")
