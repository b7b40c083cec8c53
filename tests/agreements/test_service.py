"""Agreement versions: the status table, drafting, signing, coming into force, amendments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from accord.core.clock import FrozenClock
from accord.core.db import make_sessionmaker
from accord.core.errors import InvalidInput
from accord.core.workflow import TransitionNotAllowed, transition
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from accord.zones import service as zones_service
from accord.zones.agreements import service
from accord.zones.agreements.diff import DELETE, EQUAL, INSERT, diff, text_diff
from accord.zones.agreements.models import AgreementVersion
from accord.zones.agreements.transitions import TABLE, AgreementStatus
from tests.agreements.conftest import (
    TEXT_EN,
    TEXT_ZH,
    Yrd,
    actions,
    in_force,
    make_draft,
    sign_all,
)
from tests.factories import make_actor, make_named


def _force_status(session: Session, version: AgreementVersion, status: AgreementStatus) -> None:
    """Put a version in `status` for a table test (setup only; services never do this)."""
    session.execute(
        update(AgreementVersion).where(AgreementVersion.id == version.id).values(status=status)
    )
    session.commit()
    session.refresh(version)


@pytest.mark.parametrize(("start", "action", "target"), TABLE.rows())
def test_every_allowed_transition(
    session: Session, yrd: Yrd, start: AgreementStatus, action: str, target: AgreementStatus
) -> None:
    version = make_draft(session, yrd).versions[0]
    _force_status(session, version, start)
    before = version.version
    assert (
        transition(
            session,
            yrd.secretariat,
            version,
            table=TABLE,
            action=action,
            object_type="agreement_version",
        )
        == target
    )
    assert version.status == target
    assert version.version == before + 1


# One move each status refuses (the final ones refuse everything).
REFUSED = {
    AgreementStatus.DRAFT: "bring_into_force",
    AgreementStatus.SIGNED: "review",
    AgreementStatus.IN_FORCE: "sign",
    AgreementStatus.UNDER_REVIEW: "bring_into_force",
    AgreementStatus.SUPERSEDED: "confirm",
    AgreementStatus.TERMINATED: "confirm",
}


def test_the_refused_moves_cover_every_status() -> None:
    assert set(REFUSED) == set(AgreementStatus)
    assert TABLE.terminal() == {AgreementStatus.SUPERSEDED, AgreementStatus.TERMINATED}


@pytest.mark.parametrize(("start", "action"), REFUSED.items())
def test_one_refused_transition_per_status(
    session: Session, yrd: Yrd, start: AgreementStatus, action: str
) -> None:
    version = make_draft(session, yrd).versions[0]
    _force_status(session, version, start)
    with pytest.raises(TransitionNotAllowed):
        transition(
            session,
            yrd.secretariat,
            version,
            table=TABLE,
            action=action,
            object_type="agreement_version",
        )
    session.rollback()
    session.refresh(version)
    assert version.status == start
    assert version.version == 1


def test_create_allocates_a_reference_on_the_secretariats_prefix(
    session: Session, yrd: Yrd
) -> None:
    agreement = make_draft(session, yrd)
    assert agreement.reference == "SH-2026-000001"
    version = agreement.versions[0]
    assert (version.number, version.status) == (1, AgreementStatus.DRAFT)
    assert [r.data_kind for r in version.rules] == ["alert.wanted_arrest", "record.Person"]
    assert actions(session, agreement.reference) == ["agreement.create"]


def test_only_the_secretariat_drafts(session: Session, yrd: Yrd) -> None:
    with pytest.raises(PermissionDenied):
        service.create(
            session, yrd.directors["JS"], yrd.zone, title_zh="协议", title_en="Agreement"
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fields": ["astrology"]}, "fields"),
        ({"review_on": date(2026, 1, 1)}, "review_on"),
        ({"rules": [{"data_kind": "alert.ufo", "mode": "full"}]}, "rules[0].data_kind"),
        ({"rules": [{"data_kind": "record.Person", "mode": "some"}]}, "rules[0].mode"),
        (
            {"rules": [{"data_kind": "record.Person", "mode": "full", "handling_code": "H3"}]},
            "rules[0].handling_code",
        ),
        (
            {"rules": [{"data_kind": "record.Person", "mode": "full"}] * 2},
            "rules[1].data_kind",
        ),
        ({"public": "yes"}, "public"),
        ({"title": "x"}, "title"),
    ],
)
def test_bad_draft_edits_name_the_field_and_change_nothing(
    session: Session, yrd: Yrd, changes: dict[str, object], field: str
) -> None:
    version = make_draft(session, yrd).versions[0]
    with pytest.raises(InvalidInput) as caught:
        service.update_draft(session, yrd.secretariat, version, changes=changes)
    assert caught.value.field == field
    session.rollback()
    session.refresh(version)
    assert version.version == 1
    assert len(version.rules) == 2


def test_a_draft_is_edited_and_its_rules_replaced(session: Session, yrd: Yrd) -> None:
    agreement = make_draft(session, yrd)
    version = agreement.versions[0]
    service.update_draft(
        session,
        yrd.secretariat,
        version,
        changes={
            "text_en": TEXT_EN + "\nArticle 4 Traffic on border roads",
            "rules": [{"data_kind": "record.Person", "mode": "full", "handling_code": "H1"}],
        },
    )
    session.commit()
    assert version.version == 2
    assert version.text_en.endswith("Article 4 Traffic on border roads")
    assert [(r.data_kind, r.mode.value, r.handling_code.value) for r in version.rules] == [
        ("record.Person", "full", "H1")
    ]
    assert actions(session, agreement.reference)[-1] == "agreement.edit_draft"


def test_editing_a_signed_version_is_refused_and_changes_nothing(
    session: Session, yrd: Yrd
) -> None:
    agreement = make_draft(session, yrd)
    version = agreement.versions[0]
    service.sign(session, yrd.directors["SH"], version)
    session.commit()
    events = actions(session, agreement.reference)
    # One signature freezes the text already: the others sign what the first one signed.
    with pytest.raises(service.AgreementImmutable) as caught:
        service.update_draft(session, yrd.secretariat, version, changes={"text_zh": "改过"})
    assert caught.value.status == 409
    session.rollback()
    sign_all_but(session, yrd, version, "SH")
    assert version.status == AgreementStatus.IN_FORCE
    with pytest.raises(service.AgreementImmutable):
        service.update_draft(session, yrd.secretariat, version, changes={"public": False})
    session.rollback()
    session.refresh(version)
    assert version.text_zh == TEXT_ZH
    assert version.public is True
    assert "agreement.edit_draft" not in actions(session, agreement.reference)
    assert actions(session, agreement.reference)[: len(events)] == events


def sign_all_but(session: Session, yrd: Yrd, version: AgreementVersion, *skip: str) -> None:
    for name, director in yrd.directors.items():
        if name not in skip:
            service.sign(session, director, version)
    session.commit()


def test_signed_by_all_members_is_signed_and_in_force_on_its_date(
    session: Session, yrd: Yrd
) -> None:
    agreement = make_draft(session, yrd)
    version = agreement.versions[0]
    sign_all_but(session, yrd, version, "AH")
    assert version.status.value == "draft"
    service.sign(session, yrd.directors["AH"], version)
    session.commit()
    assert version.status.value == "in_force"
    assert version.signed_on == date(2026, 11, 23)
    assert [s.agency.code for s in version.signatures] == ["310000", "320000", "330000", "340000"]
    assert actions(session, agreement.reference) == ["agreement.create"] + ["agreement.sign"] * 4
    assert actions(session, str(version.id)) == ["agreement.signed", "agreement.in_force"]


def test_a_second_signature_of_the_same_member_is_refused(session: Session, yrd: Yrd) -> None:
    version = make_draft(session, yrd).versions[0]
    service.sign(session, yrd.directors["JS"], version)
    session.commit()
    with pytest.raises(service.AlreadySigned):
        service.sign(session, yrd.directors["JS"], version)


def test_signing_needs_a_director_of_that_member_in_that_zone(session: Session, yrd: Yrd) -> None:
    version = make_draft(session, yrd).versions[0]
    liaison = make_actor(yrd.agencies["SH"], Role.LIAISON, username="sh.liaison")
    with pytest.raises(PermissionDenied):
        service.sign(session, liaison, version)
    # Jiangsu's director may not sign for Zhejiang.
    with pytest.raises(PermissionDenied):
        service.sign(session, yrd.directors["JS"], version, agency_code="330000")
    # A director of another zone may not sign this zone's agreement.
    other = zones_service.create_zone(
        session,
        Actor.system(),
        code="JZ",
        name_zh="苏浙",
        name_en="Jiangsu-Zhejiang",
        fields=["traffic"],
        founded_on=date(2020, 1, 1),
        members=["320000", "330000"],
        secretariat="320000",
    )
    session.commit()
    foreign = make_actor(
        yrd.agencies["JS"], Role.DIRECTOR, username="jz.director", zone_id=other.id
    )
    with pytest.raises(PermissionDenied):
        service.sign(session, foreign, version)
    session.rollback()
    assert version.signatures == []


def test_a_draft_without_an_effective_date_cannot_be_signed(session: Session, yrd: Yrd) -> None:
    version = make_draft(session, yrd, effective_on=None).versions[0]
    with pytest.raises(service.NotReadyToSign) as caught:
        service.sign(session, yrd.directors["SH"], version)
    assert caught.value.field == "effective_on"


def test_the_job_brings_versions_into_force_once(
    fresh_database_url: str, frozen_clock: FrozenClock
) -> None:
    # The job opens its own sessions: run it against a database of its own.
    from accord.core.db import make_engine

    engine = make_engine(fresh_database_url)
    factory: sessionmaker[Session] = make_sessionmaker(engine, writes=True)
    try:
        with factory() as own:
            setup = _yrd_in(own)
            first = make_draft(own, setup)
            sign_all(own, setup, first.versions[0])
            amendment = service.amend(own, setup.secretariat, first)
            service.update_draft(
                own,
                setup.secretariat,
                amendment,
                changes={"effective_on": date(2027, 1, 1), "text_zh": TEXT_ZH + "\n第四条 交通"},
            )
            own.commit()
            sign_all(own, setup, amendment)
            assert amendment.status == AgreementStatus.SIGNED
            reference = first.reference
        assert service.bring_into_force_due(factory) == 0  # not yet its date
        frozen_clock.advance(timedelta(days=40))
        assert service.bring_into_force_due(factory) == 1
        assert service.bring_into_force_due(factory) == 0
        with factory() as own:
            agreement = service.get_by_reference(own, reference)
            assert [v.status for v in agreement.versions] == [
                AgreementStatus.SUPERSEDED,
                AgreementStatus.IN_FORCE,
            ]
            events = actions(own, str(agreement.versions[0].id))
            assert events.count("agreement.supersede") == 1
    finally:
        engine.dispose()


def _yrd_in(session: Session) -> Yrd:
    agencies = make_named(session, "SH", "JS", "ZJ", "AH")
    zone = zones_service.create_zone(
        session,
        Actor.system(),
        code="YRD",
        name_zh="长三角",
        name_en="Yangtze River Delta",
        fields=["intelligence"],
        founded_on=date(2019, 5, 22),
        members=["310000", "320000", "330000", "340000"],
        secretariat="310000",
    )
    session.commit()
    directors = {
        n: make_actor(agencies[n], Role.DIRECTOR, username=f"{n}.d", zone_id=zone.id)
        for n in ("SH", "JS", "ZJ", "AH")
    }
    secretariat = make_actor(agencies["SH"], Role.SECRETARIAT, username="sec", zone_id=zone.id)
    return Yrd(zone, agencies, secretariat, directors)


def test_review_confirm_and_terminate(session: Session, yrd: Yrd) -> None:
    version = in_force(session, yrd).versions[0]
    assert service.act(session, yrd.secretariat, version, action="review") == "under_review"
    assert service.act(session, yrd.secretariat, version, action="confirm") == "in_force"
    with pytest.raises(PermissionDenied):
        service.act(session, yrd.directors["JS"], version, action="terminate")
    with pytest.raises(InvalidInput) as caught:
        service.act(session, yrd.secretariat, version, action="supersede")
    assert caught.value.field == "action"
    assert service.act(session, yrd.secretariat, version, action="terminate") == "terminated"


def test_amend_copies_the_version_in_force_and_refuses_a_second_draft(
    session: Session, yrd: Yrd
) -> None:
    agreement = in_force(session, yrd)
    draft = service.amend(session, yrd.secretariat, agreement)
    session.commit()
    assert (draft.number, draft.status, draft.text_zh) == (2, AgreementStatus.DRAFT, TEXT_ZH)
    assert draft.effective_on is None
    assert [r.data_kind for r in draft.rules] == ["alert.wanted_arrest", "record.Person"]
    with pytest.raises(service.DraftExists):
        service.amend(session, yrd.secretariat, agreement)


def test_diff_between_versions(session: Session, yrd: Yrd) -> None:
    agreement = in_force(session, yrd)
    draft = service.amend(session, yrd.secretariat, agreement)
    service.update_draft(
        session,
        yrd.secretariat,
        draft,
        changes={
            "text_en": TEXT_EN.replace("Fugitives", "Fugitives and telecom fraud"),
            "rules": [{"data_kind": "record.Person", "mode": "full", "handling_code": "H2"}],
            "public": False,
        },
    )
    session.commit()
    result = diff(agreement.versions[0], draft)
    assert (DELETE, "Article 2 Fugitives") in result.en
    assert (INSERT, "Article 2 Fugitives and telecom fraud") in result.en
    assert all(op == EQUAL for op, _ in result.zh)
    assert [(c.data_kind, c.op) for c in result.rules] == [
        ("alert.wanted_arrest", "removed"),
        ("record.Person", "changed"),
    ]
    assert [f.name for f in result.facts] == ["effective_on", "review_on", "public"]
    assert not result.unchanged
    assert diff(draft, draft).unchanged


def test_text_diff_orders_deletions_before_insertions() -> None:
    assert text_diff("a\nb\nc", "a\nB\nc\nd") == [
        (EQUAL, "a"),
        (DELETE, "b"),
        (INSERT, "B"),
        (EQUAL, "c"),
        (INSERT, "d"),
    ]


def test_public_versions_only_list_published_agreements_in_force(
    session: Session, yrd: Yrd
) -> None:
    published = in_force(session, yrd)
    hidden = in_force(session, yrd, public=False)
    make_draft(session, yrd)
    assert [v.agreement.reference for v in service.public_versions(session)] == [
        published.reference
    ]
    with pytest.raises(service.AgreementNotFound):
        service.public_version(session, hidden.reference)
    assert service.public_version(session, published.reference.lower()).number == 1
