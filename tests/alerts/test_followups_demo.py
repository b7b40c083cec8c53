"""The demo follow-ups: one awaiting a discreet-check report, one refused (with a clearance),
one unanswered and urgent; loading twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord import demo
from accord.alerts.followup_demo import load_demo_followups
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.followup_transitions import FollowUpStatus
from accord.alerts.models import Clearance
from accord.core.clock import FrozenClock


def test_the_demo_follow_ups_are_in_three_states_and_load_once(
    session: Session, frozen_clock: FrozenClock
) -> None:
    demo.load(session, assistance=False, records=False)
    load_demo_followups(session)
    session.commit()
    rows = {f.alert.ref: f for f in session.scalars(select(HitFollowUp))}
    assert {ref: f.status for ref, f in rows.items()} == {
        "JS-A-2026-0002": FollowUpStatus.CONFIRMED,
        "ZJ-A-2026-0002": FollowUpStatus.REFUSED,
        "AH-A-2026-0001": FollowUpStatus.REPORTED,
    }
    assert rows["JS-A-2026-0002"].finding_agency.code == "310000"
    assert rows["JS-A-2026-0002"].candidate["explanation"]
    assert rows["AH-A-2026-0001"].urgent
    refused = rows["ZJ-A-2026-0002"]
    assert session.get(Clearance, refused.clearance_id) is not None
    before = session.scalar(select(func.count()).select_from(HitFollowUp))
    load_demo_followups(session)
    assert session.scalar(select(func.count()).select_from(HitFollowUp)) == before
