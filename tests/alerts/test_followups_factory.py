"""The hit follow-up tests' own small factory: a JS alert, an SH check that found it, and the
people on both sides. Alerts are written with the model directly, so these tests do not depend
on the matching engine: the check's candidates are what a check would have stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.alerts import followups
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.index import allocate_numbers
from accord.alerts.kinds import SUBJECT_OF, AlertType, Priority
from accord.alerts.models import Alert, Check
from accord.alerts.transitions import AlertStatus
from accord.audit.models import AuditEvent
from accord.core import clock
from accord.core.ids import uuid7
from accord.notify.models import OutboxMessage
from accord.security.actor import Actor, Role
from tests.factories import make_actor, make_named

PERSON = {
    "name": "张伟",
    "birth_date": "1985-03-07",
    "gender": "male",
    "id_number": "110101198503071234",
}
PROBE = {"name": "zhang wei", "birth_date": "1985-03-07", "id_number": "110101198503071234"}
EXPLANATION = ["pinyin ZHANG WEI = 张伟", "birth date equal", "resident ID equal"]


@dataclass
class Scene:
    """SH finds, JS issues; MPS stands above both; ZJ is nobody's business here."""

    agencies: dict[str, Agency]
    officer: Actor  # SH officer who checks and reports
    sh_liaison: Actor  # the finding agency's liaison
    liaison: Actor  # JS liaison who answers
    other_liaison: Actor  # a second JS liaison
    js_issuer: Actor  # JS investigator + liaison: may fulfil the alert
    mps: Actor  # a ministry analyst: above both sides
    outsider: Actor  # ZJ liaison
    zj_officer: Actor


def make_scene(session: Session) -> Scene:
    agencies = make_named(session, "SH", "JS", "ZJ", "MPS")
    return Scene(
        agencies=agencies,
        officer=make_actor(agencies["SH"], Role.OFFICER, username="sh.officer"),
        sh_liaison=make_actor(agencies["SH"], Role.LIAISON, username="sh.liaison"),
        liaison=make_actor(agencies["JS"], Role.LIAISON, username="js.liaison"),
        other_liaison=make_actor(agencies["JS"], Role.LIAISON, username="js.liaison2"),
        js_issuer=make_actor(agencies["JS"], Role.INVESTIGATOR, Role.LIAISON, username="js.issuer"),
        mps=make_actor(agencies["MPS"], Role.ANALYST, username="mps.analyst"),
        outsider=make_actor(agencies["ZJ"], Role.LIAISON, username="zj.liaison"),
        zj_officer=make_actor(agencies["ZJ"], Role.OFFICER, username="zj.officer"),
    )


def make_alert(
    session: Session,
    issuer: Agency,
    *,
    ref: str = "JS-2026-A00001",
    alert_type: AlertType = AlertType.WANTED_ARREST,
    priority: Priority = Priority.URGENT,
    subject: dict[str, Any] | None = None,
    action_on_hit: str = "Arrest and inform the issuing agency at once.",
    handling_code: str = "H2",
    misused_identity: bool = False,
    distinguishing_facts: str = "",
    status: AlertStatus = AlertStatus.ACTIVE,
) -> Alert:
    subject = dict(subject or PERSON)
    now = clock.now()
    alert = Alert(
        id=uuid7(),
        ref=ref,
        index_no=allocate_numbers(session, 1),
        alert_type=alert_type,
        subject_kind=SUBJECT_OF[alert_type],
        status=status,
        priority=priority,
        issuing_agency_id=issuer.id,
        contact="+86 25 8452 0110 (24/7 duty desk)",
        label=str(subject.get("name") or subject.get("plate") or ref),
        subject=subject,
        flags=[],
        legal_basis="Criminal Procedure Law art. 81",
        action_on_hit=action_on_hit,
        handling_code=handling_code,
        handling_text=None,
        misused_identity=misused_identity,
        distinguishing_facts=distinguishing_facts,
        activated_at=now,
        created_by="js.issuer",
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(alert)
    session.commit()
    return alert


def make_check(
    session: Session,
    officer: Actor,
    *alerts: Alert,
    band: str = "hit",
    probe: dict[str, Any] | None = None,
) -> Check:
    """A check by `officer` whose candidates are `alerts`, all in `band`."""
    check = Check(
        id=uuid7(),
        checked_at=clock.now(),
        username=officer.username,
        agency_id=officer.agency_id,
        purpose="roadside check, G60 Songjiang toll station",
        case_ref=None,
        probe=dict(probe or PROBE),
        result="hit" if band == "hit" else "possible",
        candidates=[
            {
                "alert_id": str(a.id),
                "alert_ref": a.ref,
                "band": band,
                "score": 0.97 if band == "hit" else 0.71,
                "explanation": list(EXPLANATION),
            }
            for a in alerts
        ],
    )
    session.add(check)
    session.commit()
    return check


def reported(
    session: Session, scene: Scene, **alert_fields: Any
) -> tuple[Alert, Check, HitFollowUp]:
    """An alert of JS, an SH check that hit it, and the hit reported (committed)."""
    alert = make_alert(session, scene.agencies["JS"], **alert_fields)
    check = make_check(session, scene.officer, alert)
    followup = followups.report_hit(
        session, scene.officer, check_id=check.id, alert_id=alert.id, note="stopped at G60"
    )
    session.commit()
    return alert, check, followup


def confirmed(session: Session, scene: Scene, **alert_fields: Any) -> HitFollowUp:
    _, _, followup = reported(session, scene, **alert_fields)
    followups.claim(session, scene.liaison, followup)
    followups.confirm(session, scene.liaison, followup)
    session.commit()
    return followup


def actions_on(session: Session, object_id: object) -> list[str]:
    """The audit actions recorded on one object, in order."""
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
        )
    )


def outbox(session: Session, event: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)
        )
    )


# --- the factory itself ---------------------------------------------------------------------


def test_the_scene_is_what_the_follow_up_tests_assume(session: Session) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"])
    check = make_check(session, scene.officer, alert)
    assert alert.issuer.code == "320000"
    assert check.agency_id == scene.agencies["SH"].id
    assert check.candidates[0]["alert_id"] == str(alert.id)
    assert scene.agencies["JS"].parent_id == scene.agencies["MPS"].id
    assert scene.agencies["SH"].parent_id == scene.agencies["MPS"].id
