"""Who looked at a subject, and the event log: scoped, filtered, paged, and themselves audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from accord.audit import service, subjects
from accord.audit.models import AuditEvent, AuditSubject
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from tests.conftest import FROZEN_AT
from tests.factories import make_actor, make_named

PERSON = "11010519491231002X"


@pytest.fixture
def looked(session: Session, frozen_clock: FrozenClock) -> dict[str, Actor]:
    """Two officers of two agencies check the same person an hour apart; a third thing too."""
    agencies = make_named(session, "SH", "JS")
    sh_officer = make_actor(agencies["SH"], Role.OFFICER, username="wang.sh")
    js_officer = make_actor(agencies["JS"], Role.OFFICER, username="li.js")
    service.record(
        session,
        sh_officer,
        action="check.person",
        purpose="roadside check",
        case_ref="SH-2026-000007",
        subjects=[subjects.resident_id(PERSON), subjects.plate("沪A12345")],
    )
    frozen_clock.advance(timedelta(hours=1))
    service.record(
        session,
        js_officer,
        action="records.view",
        purpose="curiosity",
        subjects=[subjects.resident_id("110105491231002")],  # the legacy form of the same ID
    )
    service.record(
        session, js_officer, action="check.vehicle", subjects=[subjects.plate("苏B99999")]
    )
    session.commit()
    return {
        "sh_officer": sh_officer,
        "platform": make_actor(None, Role.PLATFORM_ADMIN, username="root"),
        "sh_auditor": make_actor(agencies["SH"], Role.AUDITOR, username="audit.sh"),
        "js_auditor": make_actor(agencies["JS"], Role.AUDITOR, username="audit.js"),
    }


def test_who_looked_answers_who_when_and_why_newest_first(
    session: Session, looked: dict[str, Actor]
) -> None:
    looks = service.who_looked(
        session, looked["platform"], subjects.resident_id("110105 491231 002"), purpose="review"
    )
    assert [(x.username, x.agency_code, x.action) for x in looks] == [
        ("li.js", "320000", "records.view"),
        ("wang.sh", "310000", "check.person"),
    ]
    first, second = looks
    assert (first.purpose, first.case_ref, first.outcome) == ("curiosity", None, "ok")
    assert (second.purpose, second.case_ref) == ("roadside check", "SH-2026-000007")
    assert second.occurred_at == FROZEN_AT
    assert first.occurred_at == FROZEN_AT + timedelta(hours=1)
    assert first.as_dict()["occurred_at"] == "2026-11-23T03:00:00+00:00"


def test_the_question_is_itself_audited(session: Session, looked: dict[str, Actor]) -> None:
    person = subjects.resident_id(PERSON)
    service.who_looked(session, looked["platform"], person, purpose="complaint 12")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.who_looked")).one()
    assert (event.actor_username, event.purpose) == ("root", "complaint 12")
    assert event.detail == {"results": 2, "actor_roles": ["platform_admin"]}
    keys = session.execute(
        select(AuditSubject.kind, AuditSubject.key).where(AuditSubject.event_id == event.id)
    ).all()
    assert keys == [("resident_id", PERSON)]
    # So the next auditor sees the first one's look too.
    again = service.who_looked(session, looked["platform"], person)
    assert again[0].action == "audit.who_looked"


def test_an_agency_auditor_sees_the_looks_of_their_agency_only(
    session: Session, looked: dict[str, Actor]
) -> None:
    person = subjects.resident_id(PERSON)
    assert [x.username for x in service.who_looked(session, looked["sh_auditor"], person)] == [
        "wang.sh"
    ]
    assert [x.username for x in service.who_looked(session, looked["js_auditor"], person)] == [
        "li.js"
    ]


def test_period_filters(session: Session, looked: dict[str, Actor]) -> None:
    person = subjects.resident_id(PERSON)
    later = FROZEN_AT + timedelta(minutes=30)
    assert [
        x.username for x in service.who_looked(session, looked["platform"], person, since=later)
    ] == ["li.js"]
    assert [
        x.username for x in service.who_looked(session, looked["platform"], person, until=later)
    ] == ["wang.sh"]


def count_events(session: Session) -> int:
    return len(session.scalars(select(AuditEvent.id)).all())


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"limit": 0}, "limit", "limit must be between 1 and 1000"),
        (
            {"until": FROZEN_AT, "since": FROZEN_AT + timedelta(days=1)},
            "until",
            "until is before since",
        ),
        ({"since": FROZEN_AT.replace(tzinfo=None)}, "since", "since needs a time zone offset"),
    ],
)
def test_bad_questions_are_refused_and_record_nothing(
    session: Session, looked: dict[str, Actor], options: dict[str, object], field: str, message: str
) -> None:
    before = count_events(session)
    with pytest.raises(service.InvalidAuditQuery) as caught:
        service.who_looked(session, looked["platform"], subjects.resident_id(PERSON), **options)  # type: ignore[arg-type]  # deliberately bad values
    assert (caught.value.field, caught.value.detail) == (field, message)
    assert count_events(session) == before


def test_officers_may_not_ask(session: Session, looked: dict[str, Actor]) -> None:
    before = count_events(session)
    with pytest.raises(PermissionDenied):
        service.who_looked(session, looked["sh_officer"], subjects.resident_id(PERSON))
    assert count_events(session) == before


def test_who_looked_uses_the_subjects_index(session: Session) -> None:
    stmt = service.who_looked_query(subjects.resident_id(PERSON))
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if session.get_bind().dialect.name == "postgresql":
        # On a near-empty table the planner would rightly scan; ask it what it can use.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(session.scalars(text(f"EXPLAIN {compiled}")))
    else:
        plan = "\n".join(
            str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert "ix_audit_subjects_kind_key" in plan or "pk_audit_subjects" in plan, plan


def test_list_events_filters_and_pages(session: Session, looked: dict[str, Actor]) -> None:
    root = looked["platform"]
    page = service.list_events(session, root, limit=2)
    assert [e.action for e in page.items] == ["check.person", "records.view"]
    assert page.next_cursor is not None
    rest = service.list_events(session, root, cursor=page.next_cursor, limit=2)
    assert [e.action for e in rest.items] == ["check.vehicle"]
    assert rest.next_cursor is None
    assert [e.action for e in service.list_events(session, root, action="check.").items] == [
        "check.person",
        "check.vehicle",
    ]
    assert len(service.list_events(session, root, user="li.js").items) == 2
    assert [
        e.actor_username for e in service.list_events(session, root, agency="310000").items
    ] == ["wang.sh"]
    assert service.list_events(session, looked["sh_auditor"], action="check.vehicle").items == []
    recent = service.recent_events(session, root, limit=2)
    assert [e.action for e in recent] == ["check.vehicle", "records.view"]


def test_list_events_refuses_an_unknown_agency(session: Session, looked: dict[str, Actor]) -> None:
    with pytest.raises(service.InvalidAuditQuery) as caught:
        service.list_events(session, looked["platform"], agency="999999")
    assert caught.value.field == "agency"


def test_action_filter_is_a_literal_prefix(session: Session, looked: dict[str, Actor]) -> None:
    # "_" and "%" mean themselves, not LIKE wildcards.
    assert service.list_events(session, looked["platform"], action="check_").items == []
    assert service.list_events(session, looked["platform"], action="%").items == []
