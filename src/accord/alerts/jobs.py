"""The worker's alert jobs: expire what is past its expiry, remind issuers of reviews due.

Expiry here only tidies the status: a check already ignores an expired alert at query time.
A review reminder goes to the issuing agency's liaisons and investigators a configurable number
of days before the review date, once per alert and review date.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.alerts import service
from accord.alerts.models import Alert
from accord.alerts.transitions import AlertStatus
from accord.core import clock
from accord.core.config import get_settings
from accord.notify import service as notify
from accord.security.actor import Actor, Role


def expire_job(factory: sessionmaker[Session]) -> int:
    total = 0
    while True:
        with factory() as session:
            moved = service.expire_due(session, Actor.system("alerts.expiry"))
            session.commit()
        total += moved
        if moved < 1000:
            return total


def review_reminders(session: Session, *, days: int | None = None) -> int:
    """Queue a reminder for every active alert whose review date is within `days`."""
    ahead = get_settings().alert_review_reminder_days if days is None else days
    today = clock.now().date()
    due = session.scalars(
        select(Alert).where(
            Alert.status == AlertStatus.ACTIVE,
            Alert.review_on.is_not(None),
            Alert.review_on <= today + timedelta(days=ahead),
        )
    )
    sent = 0
    for alert in due:
        overdue = alert.review_on is not None and alert.review_on < today
        queued = notify.enqueue(
            session,
            event="alert.review_due",
            title=(
                f"{'Review overdue' if overdue else 'Review due'} {alert.review_on}: "
                f"alert {alert.ref} / 通缉通报复核 {alert.ref}"
            ),
            reference=alert.ref,
            link=f"/alerts/{alert.ref}",
            to_agencies=[alert.issuing_agency_id],
            to_roles=[Role.LIAISON, Role.INVESTIGATOR],
            dedupe_key=f"alert.review:{alert.id}:{alert.review_on}",
            handling_code=alert.handling_code,
            handling_text=alert.handling_text,
        )
        sent += queued is not None
    return sent


def review_job(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        sent = review_reminders(session)
        session.commit()
    return sent
