"""`accord zones agreements ...` against a database of its own."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.orm import Session

from accord.cli import main
from accord.core.clock import FrozenClock
from accord.core.db import make_engine, make_sessionmaker
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from accord.zones.agreements import service
from tests.agreements.conftest import make_draft
from tests.agreements.test_service import _yrd_in
from tests.factories import make_user


def test_list_show_sign_and_rules(
    cli_env: str, capsys: pytest.CaptureFixture[str], frozen_clock: FrozenClock
) -> None:
    engine = make_engine(cli_env)
    with make_sessionmaker(engine)() as session:
        yrd = _yrd_in(session)
        reference = make_draft(session, yrd).reference
        _director(session, "sh.director", "310000", yrd.zone.id)
        _director(session, "js.director", "320000", yrd.zone.id)
        make_user(session, "sh.liaison", "310000", Role.LIAISON)
        for name in ("ZJ", "AH"):
            agreement = service.get_by_reference(session, reference)
            service.sign(session, yrd.directors[name], agreement.versions[0])
        session.commit()
    engine.dispose()

    assert main(["zones", "agreements", "list", "YRD", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["reference"], a["latest_status"]) for a in listed] == [(reference, "draft")]

    assert main(["zones", "agreements", "sign", reference, "--as", "sh.liaison"]) == 1
    assert "may not agreements.sign" in capsys.readouterr().err
    assert main(["zones", "agreements", "sign", reference, "--as", "sh.director"]) == 0
    assert capsys.readouterr().out.strip() == f"{reference} v1: draft"
    assert main(["zones", "agreements", "sign", reference, "--as", "sh.director"]) == 1
    assert "already signed" in capsys.readouterr().err
    assert main(["zones", "agreements", "sign", reference, "--as", "js.director"]) == 0
    assert capsys.readouterr().out.strip() == f"{reference} v1: in_force"

    assert main(["zones", "agreements", "show", reference]) == 0
    shown = capsys.readouterr().out
    assert "v1 in_force" in shown
    assert "signed for 310000 by sh.director" in shown

    args = ["zones", "agreements", "rules", "YRD", "--kind", "record.Person", "--agency"]
    assert main([*args, "320000", "--json"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert (rule["mode"], rule["handling_code"], rule["on"]) == ("hit_no_hit", "H2", "2026-11-23")
    assert main([*args, "330000"]) == 0
    assert "hit_no_hit H2, subordinates included" in capsys.readouterr().out
    assert main(["zones", "agreements", "rules", "YRD", "--kind", "x", "--agency", "320000"]) == 1
    assert "unknown data kind" in capsys.readouterr().err
    assert main(["zones", "agreements", "in-force-due"]) == 0
    assert "0 version(s)" in capsys.readouterr().out


def _director(session: Session, username: str, agency: str, zone_id: uuid.UUID) -> None:
    make_user(session, username, agency, Role.LIAISON)
    security_service.grant_role(
        session, Actor.system(), username=username, role=Role.DIRECTOR, zone_id=zone_id
    )
    session.commit()
