"""Demo hit follow-ups among the demo alerts, one in each state a user should see:

- Shanghai found the Jiangsu discreet-check subject; Jiangsu confirmed an hour ago and now
  awaits Shanghai's structured report (sh.officer reports it, the subject untold);
- Shanghai stopped a man carrying the Vietnamese passport of Zhejiang's misused-identity alert;
  Zhejiang refused two days ago ("not the person"), so he is recorded as cleared;
- Jiangsu found the missing Anhui child just now: urgent, unclaimed, its 10-minute clock
  running on ah.liaison's dashboard.

Each starts from a real check by the demo officer (so the match explanation is the engine's).
Idempotent: a demo alert that already has a follow-up from the demo finder is left alone, and
so is one whose alert, user or check result is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.alerts import followups, screening
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.models import Alert
from accord.alerts.schemas import Probe
from accord.core import clock
from accord.core.clock import FrozenClock, use_clock
from accord.core.errors import DomainError
from accord.security import service as security_service
from accord.security.actor import Actor


@dataclass(frozen=True)
class DemoFollowUp:
    alert_ref: str
    finder: str  # demo username of the checking officer
    answerer: str  # demo username of the issuer's liaison
    probe: dict[str, str]
    purpose: str
    note: str
    ago: timedelta  # when the hit was reported
    steps: tuple[str, ...]  # after reporting: claim, confirm, refuse


DEMO: tuple[DemoFollowUp, ...] = (
    DemoFollowUp(
        alert_ref="JS-A-2026-0002",
        finder="sh.officer",
        answerer="js.liaison",
        probe={
            "name": "Wang Jianguo",
            "birth_date": "1972-01-30",
            "id_number": "320106197201301230",
        },
        purpose="Roadside check, G60 Songjiang toll station",
        note="Driving towards Hangzhou with two passengers.",
        ago=timedelta(hours=1),
        steps=("claim", "confirm"),
    ),
    DemoFollowUp(
        alert_ref="ZJ-A-2026-0002",
        finder="sh.officer",
        answerer="zj.liaison",
        probe={"name": "Nguyen Van Duc", "birth_date": "1988-02-14", "passport_number": "C1234567"},
        purpose="Hotel registration check, Huangpu",
        note="1.66 m, no visible tattoos; says his passport was stolen in 2024.",
        ago=timedelta(days=2),
        steps=("claim", "refuse"),
    ),
    DemoFollowUp(
        alert_ref="AH-A-2026-0001",
        finder="js.officer",
        answerer="ah.liaison",
        probe={"name": "李小雨", "birth_date": "2015-04-21"},
        purpose="Child alone at Nanjing South railway station",
        note="With station staff, waiting for you.",
        ago=timedelta(minutes=2),
        steps=(),
    ),
)

REFUSAL = (
    "Not the wanted man: 1.66 m and no tattoo on the left forearm; his passport was reported "
    "stolen in 2024 (misused identity)."
)


@contextmanager
def _at(when: datetime) -> Iterator[None]:
    with use_clock(FrozenClock(when)):
        yield


def _actor(session: Session, username: str) -> Actor | None:
    try:
        user = security_service.get_user(session, username)
    except DomainError:
        return None
    return security_service.actor_for(user, via="demo")


def load_demo_followups(session: Session) -> None:
    """Create the demo follow-ups that are missing (the caller commits)."""
    now = clock.now().replace(microsecond=0)
    for demo in DEMO:
        alert = session.scalar(select(Alert).where(Alert.ref == demo.alert_ref))
        finder = _actor(session, demo.finder)
        answerer = _actor(session, demo.answerer)
        if alert is None or finder is None or answerer is None:
            continue
        exists = session.scalar(
            select(HitFollowUp.id).where(
                HitFollowUp.alert_id == alert.id,
                HitFollowUp.finding_agency_id == finder.agency_id,
            )
        )
        if exists is not None:
            continue
        _one(session, demo, alert, finder, answerer, now - demo.ago)
    session.flush()


def _one(
    session: Session,
    demo: DemoFollowUp,
    alert: Alert,
    finder: Actor,
    answerer: Actor,
    at: datetime,
) -> None:
    with _at(at):
        checked = screening.check(
            session, finder, probe=Probe.model_validate(demo.probe), purpose=demo.purpose
        )
        found = next(
            (c for c in checked.check.candidates if c.get("alert_id") == str(alert.id)), None
        )
        if found is None or found.get("band") not in followups.REPORTABLE_BANDS:
            return  # the engine does not see this as a hit: nothing to follow up
        followup = followups.report_hit(
            session, finder, check_id=checked.check.id, alert_id=alert.id, note=demo.note
        )
    step_at = at
    for step in demo.steps:
        step_at += timedelta(minutes=3)
        with _at(step_at):
            if step == "claim":
                followups.claim(session, answerer, followup)
            elif step == "confirm":
                followups.confirm(session, answerer, followup)
            else:
                followups.refuse(session, answerer, followup, facts=REFUSAL)
