"""`accord notify webhooks add|list|remove` and `accord notify status`."""

from __future__ import annotations

import json

import pytest

from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker
from accord.security.actor import Role
from tests.factories import make_named, make_user


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def admins(cli_env: str) -> None:
    engine = make_engine(cli_env)
    with make_sessionmaker(engine)() as session:
        make_named(session, "SH", "JS")
        make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
        make_user(session, "sh.officer", "310000", Role.OFFICER)
    engine.dispose()


def test_add_list_remove_a_webhook(admins: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "notify", "webhooks", "add", "--agency", "310000", "--url", "https://hooks.example/sh",
        "--event", "hit.*", "--as", "sh.admin", "--json",
    )  # fmt: skip
    assert code == 0, err
    created = json.loads(out)
    assert (created["agency"], created["events"]) == ("310000", ["hit.*"])
    assert len(created["secret"]) == 64

    code, out, _ = run(capsys, "notify", "webhooks", "list", "--as", "sh.admin", "--json")
    listed = json.loads(out)
    assert [h["id"] for h in listed] == [created["id"]]
    assert "secret" not in listed[0]
    code, out, _ = run(capsys, "notify", "webhooks", "list", "--as", "sh.admin")
    assert "https://hooks.example/sh" in out
    assert created["secret"] not in out

    code, out, _ = run(capsys, "notify", "webhooks", "remove", created["id"], "--as", "sh.admin")
    assert code == 0
    code, out, _ = run(capsys, "notify", "webhooks", "list", "--as", "sh.admin", "--json")
    assert json.loads(out) == []


def test_refusals_are_one_line_and_change_nothing(
    admins: None, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        ("--agency", "320000", "--url", "https://x.example", "--as", "sh.admin"),
        ("--agency", "310000", "--url", "ftp://x.example", "--as", "sh.admin"),
        ("--agency", "310000", "--url", "https://x.example", "--as", "sh.officer"),
        ("--agency", "310000", "--url", "https://x.example", "--as", "nobody"),
    ]
    for args in cases:
        code, _, err = run(capsys, "notify", "webhooks", "add", *args)
        assert code == 1, args
        assert err.startswith("error: ")
        assert err.count("\n") == 1
    code, _, err = run(capsys, "notify", "webhooks", "remove", "not-an-id", "--as", "sh.admin")
    assert (code, err) == (1, "error: 'not-an-id' is not a webhook id\n")
    code, out, _ = run(capsys, "notify", "webhooks", "list", "--as", "sh.admin", "--json")
    assert json.loads(out) == []


def test_status_counts_the_queue(admins: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "notify", "status", "--json")
    assert code == 0
    assert json.loads(out) == {"undispatched": 0, "deliveries": {}}
