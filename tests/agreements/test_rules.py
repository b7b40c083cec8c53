"""`rule_for`: the one function later domains ask how a zone shares a kind of data."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.orm import Session

from accord.core.errors import InvalidInput
from accord.core.handling import HandlingCode
from accord.security.actor import Actor
from accord.zones import service as zones_service
from accord.zones.agreements import service
from accord.zones.sharing import ShareMode, SharingRule, rule_for
from tests.agreements.conftest import Yrd, in_force, make_draft
from tests.factories import make_named

NONE_H0 = (ShareMode.NONE, HandlingCode.H0, False)


def _rule(
    session: Session, yrd: Yrd, kind: str, name: str, on: date | None = None
) -> tuple[ShareMode, HandlingCode, bool]:
    got = rule_for(session, yrd.zone.id, kind, yrd.agencies[name].id, on=on)
    assert isinstance(got, SharingRule)
    assert got.data_kind == kind
    return got.mode, got.handling_code, got.include_subordinates


def test_no_agreement_in_force_shares_nothing(session: Session, yrd: Yrd) -> None:
    assert _rule(session, yrd, "alert.wanted_arrest", "SH") == NONE_H0
    make_draft(session, yrd)  # a draft binds nobody
    assert _rule(session, yrd, "alert.wanted_arrest", "SH") == NONE_H0


def test_a_member_gets_the_rule_as_written(session: Session, yrd: Yrd) -> None:
    in_force(session, yrd)
    assert _rule(session, yrd, "alert.wanted_arrest", "JS") == (
        ShareMode.FULL,
        HandlingCode.H0,
        False,
    )
    assert _rule(session, yrd, "record.Person", "AH") == (
        ShareMode.HIT_NO_HIT,
        HandlingCode.H2,
        True,
    )


def test_a_kind_the_agreement_does_not_list_is_not_shared(session: Session, yrd: Yrd) -> None:
    in_force(session, yrd)
    assert _rule(session, yrd, "assistance_request", "SH") == NONE_H0


def test_a_subordinate_gets_the_rule_only_where_it_includes_subordinates(
    session: Session, yrd: Yrd
) -> None:
    in_force(session, yrd)
    # Lujiazui station is below Pudong, below Shanghai: Person records include subordinates.
    assert _rule(session, yrd, "record.Person", "LJZ")[0] == ShareMode.HIT_NO_HIT
    assert _rule(session, yrd, "record.Person", "HZ")[0] == ShareMode.HIT_NO_HIT
    # Wanted alerts are for the members themselves.
    assert _rule(session, yrd, "alert.wanted_arrest", "PD") == NONE_H0


def test_an_agency_outside_the_zone_gets_nothing(session: Session, yrd: Yrd) -> None:
    in_force(session, yrd)
    outsider = make_named(session, "HAN")["HAN"]
    got = rule_for(session, yrd.zone.id, "record.Person", outsider.id)
    assert (got.mode, got.handling_code, got.include_subordinates) == NONE_H0
    unknown = rule_for(session, yrd.zone.id, "record.Person", uuid.uuid4())
    assert unknown.mode == ShareMode.NONE


def test_a_member_that_left_gets_nothing_after_it_left(session: Session, yrd: Yrd) -> None:
    in_force(session, yrd)
    zones_service.leave(session, Actor.system(), yrd.zone, "340000", on=date(2026, 12, 1))
    session.commit()
    assert _rule(session, yrd, "alert.wanted_arrest", "AH", on=date(2026, 11, 30))[0] == "full"
    assert _rule(session, yrd, "alert.wanted_arrest", "AH", on=date(2026, 12, 1)) == NONE_H0
    # Its subordinates fall out with it, whatever the rule says about subordinates.
    assert _rule(session, yrd, "record.Person", "SH", on=date(2026, 12, 1))[0] == "hit_no_hit"


def test_the_newest_version_in_force_speaks(session: Session, yrd: Yrd) -> None:
    agreement = in_force(session, yrd)
    draft = service.amend(session, yrd.secretariat, agreement)
    service.update_draft(
        session,
        yrd.secretariat,
        draft,
        changes={
            "effective_on": date(2026, 11, 23),
            "rules": [{"data_kind": "alert.wanted_arrest", "mode": "hit_no_hit"}],
        },
    )
    session.commit()
    assert _rule(session, yrd, "alert.wanted_arrest", "SH")[0] == ShareMode.FULL
    for director in yrd.directors.values():
        service.sign(session, director, draft)
    session.commit()
    assert _rule(session, yrd, "alert.wanted_arrest", "SH")[0] == ShareMode.HIT_NO_HIT
    assert _rule(session, yrd, "record.Person", "SH") == NONE_H0


def test_an_unknown_data_kind_is_refused_naming_the_field(session: Session, yrd: Yrd) -> None:
    with pytest.raises(InvalidInput) as caught:
        rule_for(session, yrd.zone.id, "alert.ufo", yrd.agencies["SH"].id)
    assert caught.value.field == "data_kind"


def test_an_unknown_zone_is_not_found(session: Session, yrd: Yrd) -> None:
    with pytest.raises(zones_service.ZoneNotFound):
        rule_for(session, uuid.uuid4(), "record.Person", yrd.agencies["SH"].id)
