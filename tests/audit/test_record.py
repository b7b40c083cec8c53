"""record(): one INSERT of the event and its subjects, the actor's roles kept on the event."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit import service, subjects
from accord.audit.chain import pending_count
from accord.audit.models import AuditChainLink, AuditEvent, AuditSubject
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from tests.conftest import FROZEN_AT
from tests.factories import make_actor, make_named


def test_record_writes_the_event_its_subjects_and_the_actors_roles(
    session: Session, frozen_clock: FrozenClock
) -> None:
    sh = make_named(session, "SH")["SH"]
    actor = make_actor(sh, Role.OFFICER, Role.INVESTIGATOR, username="wang")
    detail = {"hits": 2}
    event = service.record(
        session,
        actor,
        action="check.person",
        object_type="check",
        object_id=42,
        purpose="roadside check",
        case_ref="SH-2026-000001",
        subjects=[
            subjects.resident_id("110105491231002"),
            subjects.resident_id("11010519491231002x"),  # the same person twice: one row
            subjects.plate("沪A·12345"),
        ],
        detail=detail,
    )
    session.commit()
    stored = session.get(AuditEvent, event.id)
    assert stored is not None
    assert stored.occurred_at == FROZEN_AT
    assert (stored.actor_username, stored.actor_agency_id) == ("wang", sh.id)
    assert stored.via == actor.via
    assert stored.object_id == "42"
    assert stored.detail == {"hits": 2, "actor_roles": ["investigator", "officer"]}
    assert detail == {"hits": 2}, "the caller's dict is not changed"
    rows = session.execute(
        select(AuditSubject.kind, AuditSubject.key).where(AuditSubject.event_id == event.id)
    ).all()
    assert sorted(rows) == [("plate", "沪A12345"), ("resident_id", "11010519491231002X")]


def test_record_keeps_roles_the_caller_gave_and_does_not_chain(session: Session) -> None:
    event = service.record(
        session, Actor.system(), action="sweep.run", detail={"actor_roles": ["job"]}
    )
    assert event.detail == {"actor_roles": ["job"]}
    no_detail = service.record(session, Actor.system(), action="sweep.run")
    assert no_detail.detail == {"actor_roles": ["platform_admin"]}
    # Recording never touches the chain: that is the chainer's job.
    assert session.scalar(select(AuditChainLink).limit(1)) is None
    assert pending_count(session) == 2
