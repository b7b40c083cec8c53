"""Alerts: issuing, flags, the all-or-nothing import, the status machine, reminders."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.alerts import jobs, service
from accord.alerts.models import Alert, AlertKey
from accord.alerts.transitions import AlertStatus
from accord.core.clock import FrozenClock
from accord.core.errors import DomainError
from accord.notify.models import OutboxMessage
from accord.security.actor import Actor
from accord.security.policy import PermissionDenied
from tests.alerts.conftest import World


def line(**fields: object) -> str:
    return json.dumps({"type": "wanted_arrest", "issuing_agency": "320000", **fields})


def test_bad_check_digit_is_stored_and_flagged(session: Session, world: World) -> None:
    alert = world.issue(session, ref="JS-F", name="赵磊", id_number="110105199112011234")
    assert alert.status is AlertStatus.ACTIVE
    assert "id_check_digit" in alert.flags
    assert alert.subject["id_number"] == "110105199112011234"


def test_alert_is_indexed_and_shared_with_the_zone(session: Session, world: World) -> None:
    alert = world.issue(session, ref="JS-I", name="欧阳振华", birth_date="1979-06-15")
    assert alert.zone_ids == [world.zone.id]
    keys = session.scalar(
        select(func.count()).select_from(AlertKey).where(AlertKey.alert_no == alert.index_no)
    )
    assert keys
    assert keys > 3


def test_import_is_all_or_nothing_and_names_the_bad_line(session: Session, world: World) -> None:
    lines = [
        line(ref="A-1", name="张伟", birth_date="1985-03-07"),
        line(ref="A-2", name="李娜", birth_date="1985-13-40"),
    ]
    with pytest.raises(DomainError) as caught:
        service.import_lines(session, Actor.system(), lines)
    assert "line 2" in caught.value.detail
    assert caught.value.field == "birth_date"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Alert)) == 0


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"ref": "B-1", "type": "unknown", "name": "x"}, "type"),
        ({"ref": "B-1", "name": "张伟", "issuing_agency": "999999"}, "issuing_agency"),
        ({"ref": "B-1", "name": "张伟", "nationality": "Atlantis"}, "nationality"),
        ({"ref": "B-1", "name": "张伟", "id_number": "12345"}, "id_number"),
        ({"ref": "B-1", "type": "stolen_vehicle", "plate": "ABC"}, "line"),
        ({"ref": "B-1"}, "line"),
    ],
)
def test_import_refuses_bad_records(
    session: Session, world: World, bad: dict[str, str], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        service.import_lines(session, Actor.system(), [line(ref="A-0", name="王芳"), line(**bad)])
    assert "line 2" in caught.value.detail
    assert caught.value.field in {field, None} or field in caught.value.detail


def test_duplicate_refs_are_refused(session: Session, world: World) -> None:
    world.issue(session, ref="DUP-1", name="王芳")
    with pytest.raises(DomainError, match="already exists"):
        service.import_lines(session, Actor.system(), [line(ref="DUP-1", name="王芳")])
    with pytest.raises(DomainError, match="already on line 1"):
        service.import_lines(
            session, Actor.system(), [line(ref="D-2", name="a"), line(ref="D-2", name="b")]
        )


def test_import_writes_alerts_zones_and_keys(session: Session, world: World) -> None:
    lines = [line(ref=f"I-{i}", name="张伟", birth_date=f"1985-03-{i + 1:02d}") for i in range(5)]
    result = service.import_lines(session, Actor.system(), lines)
    session.commit()
    assert result.imported == 5
    numbers = sorted(session.scalars(select(Alert.index_no)))
    assert len(set(numbers)) == 5


def test_only_the_issuer_may_issue_and_cancel(session: Session, world: World) -> None:
    with pytest.raises(PermissionDenied):
        service.import_lines(session, world.issuers["SH"], [line(ref="X-1", name="王芳")])
    session.rollback()
    alert = world.issue(session, ref="X-2", name="王芳")
    with pytest.raises(PermissionDenied):
        service.cancel(session, world.issuers["SH"], alert, reason="no")


def test_status_machine(session: Session, world: World) -> None:
    draft = world.issue(session, ref="S-1", name="王芳", status="draft")
    assert draft.status is AlertStatus.DRAFT
    service.activate(session, world.issuers["JS"], draft)
    service.fulfil(session, world.issuers["JS"], draft, reason="arrested in Shanghai")
    session.commit()
    assert draft.status is AlertStatus.FULFILLED
    with pytest.raises(DomainError):
        service.cancel(session, world.issuers["JS"], draft, reason="late")


def test_expiry_sweep(session: Session, world: World, frozen_clock: FrozenClock) -> None:
    soon = frozen_clock.now() + timedelta(days=1)
    alert = world.issue(session, ref="E-1", name="王芳", expires_at=soon.isoformat())
    frozen_clock.advance(timedelta(days=2))
    assert service.expire_due(session, Actor.system()) == 1
    session.commit()
    assert alert.status is AlertStatus.EXPIRED


def test_review_reminder_once(session: Session, world: World, frozen_clock: FrozenClock) -> None:
    review_on = frozen_clock.now().date() + timedelta(days=3)
    world.issue(session, ref="R-1", name="王芳", review_on=review_on.isoformat())
    assert jobs.review_reminders(session) == 1
    assert jobs.review_reminders(session) == 0
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.event == "alert.review_due"))
    assert message is not None
    assert message.reference == "R-1"


def test_review_moves_the_date(session: Session, world: World, frozen_clock: FrozenClock) -> None:
    alert = world.issue(session, ref="R-2", name="王芳")
    service.review(session, world.issuers["JS"], alert, review_on=date(2027, 6, 1))
    assert alert.review_on == date(2027, 6, 1)
    with pytest.raises(DomainError):
        service.review(session, world.issuers["JS"], alert, review_on=date(2020, 1, 1))
