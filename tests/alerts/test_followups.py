"""Hit follow-ups, the service: the SIRENE procedure end to end, refusal and clearance, who may
do and see what, the discreet-check report, and every row of the status table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.alerts import clearances, followups
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.followup_transitions import FOLLOWUP_TABLE, FollowUpStatus, Outcome
from accord.alerts.kinds import AlertType, Priority
from accord.alerts.models import Clearance
from accord.alerts.transitions import AlertStatus
from accord.audit.models import AuditEvent, AuditSubject
from accord.core.clock import FrozenClock
from accord.core.errors import DomainError
from accord.core.workflow import TransitionNotAllowed
from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import SlaStatus
from accord.matching.facts import Facts
from accord.notify.work import WorkItem
from accord.security.policy import PermissionDenied
from tests.alerts.test_followups_factory import (
    PERSON,
    actions_on,
    confirmed,
    make_alert,
    make_check,
    make_scene,
    outbox,
    reported,
)


def test_report_claim_confirm_outcome_is_the_whole_procedure(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert, _check, f = reported(session, scene)
    now = frozen_clock.now()
    assert f.status is FollowUpStatus.REPORTED
    assert f.reference.startswith("SH-2026-")
    assert (f.finding_agency_id, f.issuing_agency_id) == (
        scene.agencies["SH"].id,
        scene.agencies["JS"].id,
    )
    assert f.urgent
    assert f.candidate["explanation"][0] == "pinyin ZHANG WEI = 张伟"
    [sla] = session.scalars(select(SlaClock).where(SlaClock.object_id == f.id)).all()
    assert (sla.agency_id, sla.policy.value, sla.due_at) == (
        scene.agencies["JS"].id,
        "wall",
        now + timedelta(minutes=10),
    )
    [told] = outbox(session, "hit_followup.reported")
    assert told.recipients == {
        "users": [],
        "agencies": [str(scene.agencies["JS"].id)],
        "roles": ["liaison"],
    }
    assert set(told.channels) == {"inbox", "live", "email", "webhook"}
    assert f.reference in told.title
    assert alert.ref in told.title
    assert PERSON["name"] not in told.title + told.body  # references only leave the system
    assert told.handling_code == "H2"

    frozen_clock.advance(timedelta(minutes=3))
    followups.claim(session, scene.liaison, f)
    followups.confirm(session, scene.liaison, f)
    session.commit()
    assert (f.status, f.claimed_by) == (FollowUpStatus.CONFIRMED, "js.liaison")
    assert f.action_to_take == alert.action_on_hit  # the alert's action by default
    session.refresh(sla)
    assert sla.status is SlaStatus.STOPPED
    assert sla.stopped_at == now + timedelta(minutes=3)
    [claimed] = outbox(session, "hit_followup.claimed")
    assert claimed.recipients["users"] == [str(scene.officer.user_id)]
    [yes] = outbox(session, "hit_followup.confirmed")
    assert yes.recipients == {
        "users": [str(scene.officer.user_id)],
        "agencies": [str(scene.agencies["SH"].id)],
        "roles": ["liaison"],
    }

    followups.report_outcome(session, scene.officer, f, outcome="carried_out")
    session.commit()
    assert (f.status, f.outcome) == (FollowUpStatus.CLOSED, Outcome.CARRIED_OUT)
    [done] = outbox(session, "hit_followup.outcome")
    assert done.recipients == {
        "users": [str(scene.liaison.user_id)],
        "agencies": [str(scene.agencies["JS"].id)],
        "roles": ["liaison"],
    }
    assert actions_on(session, f.id) == [
        "hit_followup.reported",
        "hit_followup.claim",
        "hit_followup.confirm",
        "hit_followup.report_outcome",
    ]
    assert actions_on(session, sla.id) == ["sla.started", "sla.stopped"]
    # The report is on file under the alert and under the person checked.
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_id == str(f.id), AuditEvent.action == "hit_followup.reported"
        )
    ).one()
    assert event.purpose == f"hit follow-up {f.reference}"
    keys = set(
        session.execute(
            select(AuditSubject.kind, AuditSubject.key).where(AuditSubject.event_id == event.id)
        ).all()
    )
    assert ("entity", str(alert.id)) in keys
    assert ("resident_id", PERSON["id_number"]) in keys

    # The issuer may now close the alert as fulfilled.
    assert "fulfil" in followups.allowed_actions(session, scene.js_issuer, f)
    assert "fulfil" not in followups.allowed_actions(session, scene.officer, f)
    followups.fulfil_alert(session, scene.js_issuer, f)
    session.commit()
    assert alert.status is AlertStatus.FULFILLED
    assert alert.closed_reason is not None
    assert f.reference in alert.closed_reason


def test_routine_alerts_give_an_hour_and_a_possible_may_be_reported(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"], priority=Priority.ROUTINE)
    check = make_check(session, scene.officer, alert, band="possible")
    f = followups.report_hit(session, scene.officer, check_id=check.id, alert_id=alert.id)
    assert not f.urgent
    sla = followups.clock_of(session, f)
    assert sla is not None
    assert sla.due_at == frozen_clock.now() + timedelta(hours=1)
    assert "紧急" not in outbox(session, "hit_followup.reported")[0].title


def test_the_deadlines_follow_the_settings(
    session: Session, frozen_clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.core.config import get_settings

    monkeypatch.setenv("ACCORD_FOLLOWUP_URGENT_MINUTES", "3")
    get_settings.cache_clear()
    try:
        scene = make_scene(session)
        _, _, f = reported(session, scene)
        sla = followups.clock_of(session, f)
        assert sla is not None
        assert sla.due_at == frozen_clock.now() + timedelta(minutes=3)
    finally:
        get_settings.cache_clear()


def test_a_refusal_records_a_clearance_for_the_person_checked(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert, check, f = reported(session, scene)
    followups.claim(session, scene.liaison, f)
    with pytest.raises(DomainError) as blank:
        followups.refuse(session, scene.liaison, f, facts="  ")
    assert (blank.value.status, blank.value.field) == (422, "facts")
    followups.refuse(
        session, scene.liaison, f, facts="Our subject has a scar on the left hand; this man none"
    )
    session.commit()
    assert f.status is FollowUpStatus.REFUSED
    [cleared] = session.scalars(select(Clearance).where(Clearance.alert_id == alert.id)).all()
    assert f.clearance_id == cleared.id
    assert cleared.source_id == f.id
    assert cleared.agency_id == scene.agencies["JS"].id
    assert "i:" + PERSON["id_number"] in cleared.keys
    # The next check of the same person is recognised as cleared.
    probe_keys = set(clearances.clearance_keys(Facts.from_mapping(check.probe)))
    found = clearances.matching_clearance([cleared], probe_keys)
    assert found is not None
    sla = followups.clock_of(session, f)
    assert sla is not None
    assert sla.status is SlaStatus.STOPPED
    [no] = outbox(session, "hit_followup.refused")
    assert no.recipients["agencies"] == [str(scene.agencies["SH"].id)]
    assert actions_on(session, f.id) == [
        "hit_followup.reported",
        "hit_followup.claim",
        "hit_followup.refuse",
    ]
    assert actions_on(session, alert.id)[-1] == "alert.clearance_recorded"
    # Refused is final: no outcome can follow.
    with pytest.raises(TransitionNotAllowed):
        followups.report_outcome(session, scene.officer, f, outcome="carried_out")


def test_the_second_claim_and_another_liaisons_answer_are_refused(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    _, _, f = reported(session, scene)
    followups.claim(session, scene.liaison, f)
    session.commit()
    with pytest.raises(DomainError) as again:
        followups.claim(session, scene.other_liaison, f)
    assert (again.value.status, again.value.code) == (409, "already_claimed")
    session.rollback()
    answers: list[Callable[[], object]] = [
        lambda: followups.confirm(session, scene.other_liaison, f),
        lambda: followups.refuse(session, scene.other_liaison, f, facts="not him"),
    ]
    for act in answers:
        with pytest.raises(DomainError) as other:
            act()
        assert (other.value.status, other.value.code) == (409, "claimed_by_another")
        session.rollback()
    assert followups.allowed_actions(session, scene.other_liaison, f) == []
    assert followups.allowed_actions(session, scene.liaison, f) == ["confirm", "refuse"]
    assert f.status is FollowUpStatus.CLAIMED
    assert f.version == 2


def test_who_may_report_answer_and_report_the_outcome(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"])
    check = make_check(session, scene.officer, alert)
    # Only from a check of one's own agency, and only with the right to report.
    for who in (scene.zj_officer, scene.mps):
        with pytest.raises(PermissionDenied):
            followups.report_hit(session, who, check_id=check.id, alert_id=alert.id)
    assert session.scalar(select(func.count()).select_from(HitFollowUp)) == 0
    f = followups.report_hit(session, scene.officer, check_id=check.id, alert_id=alert.id)
    session.commit()
    # The issuer's liaison answers, nobody else.
    for who in (scene.officer, scene.sh_liaison, scene.outsider, scene.mps):
        with pytest.raises(PermissionDenied):
            followups.claim(session, who, f)
        assert followups.allowed_actions(session, who, f) == []
    followups.claim(session, scene.liaison, f)
    followups.confirm(session, scene.liaison, f, action="Arrest; JS escort on its way")
    session.commit()
    # The finding agency reports the outcome, not the issuer.
    with pytest.raises(PermissionDenied):
        followups.report_outcome(session, scene.liaison, f, outcome="carried_out")
    for who in (scene.mps, scene.liaison, scene.zj_officer):
        assert followups.allowed_actions(session, who, f) == []
    for who in (scene.officer, scene.sh_liaison):
        assert followups.allowed_actions(session, who, f) == ["report_outcome"]
    # Fulfilling needs the outcome first.
    with pytest.raises(DomainError) as early:
        followups.fulfil_alert(session, scene.js_issuer, f)
    assert early.value.code == "not_fulfillable"
    assert f.action_to_take == "Arrest; JS escort on its way"


def test_only_the_two_sides_and_those_above_see_a_follow_up(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    _, _, f = reported(session, scene)
    for who in (scene.officer, scene.sh_liaison, scene.liaison, scene.mps):
        assert followups.may_see(session, who, f), who.username
        assert followups.read_followup(session, who, f.reference).id == f.id
    for who in (scene.outsider, scene.zj_officer):
        assert not followups.may_see(session, who, f)
        with pytest.raises(PermissionDenied):
            followups.read_followup(session, who, f.reference)
    reads = session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_id == str(f.id), AuditEvent.action == "hit_followup.read"
        )
    ).all()
    assert len(reads) == 4
    assert {e.purpose for e in reads} == {f"hit follow-up {f.reference}"}
    with pytest.raises(DomainError) as missing:
        followups.read_followup(session, scene.officer, "SH-2026-999999")
    assert missing.value.status == 404


def test_the_finder_sees_the_alerts_details_only_when_shared_or_confirmed(
    session: Session, frozen_clock: FrozenClock
) -> None:
    # No zone shares JS's alerts with SH here: the finder saw a bare "match at JS".
    scene = make_scene(session)
    _, _, f = reported(session, scene)
    assert followups.details_withheld(session, scene.officer, f)
    assert not followups.details_withheld(session, scene.liaison, f)
    followups.claim(session, scene.liaison, f)
    followups.confirm(session, scene.liaison, f)
    assert not followups.details_withheld(session, scene.officer, f)


@pytest.mark.parametrize(
    ("band", "code", "status"),
    [("cleared", "not_reportable", 422), (None, "not_a_candidate", 422)],
)
def test_only_a_hit_or_a_possible_of_the_check_is_reported(
    session: Session, frozen_clock: FrozenClock, band: str | None, code: str, status: int
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"])
    other = make_alert(session, scene.agencies["JS"], ref="JS-2026-A00002")
    check = make_check(session, scene.officer, other if band is None else alert, band=band or "hit")
    with pytest.raises(DomainError) as refused:
        followups.report_hit(session, scene.officer, check_id=check.id, alert_id=alert.id)
    assert (refused.value.code, refused.value.status, refused.value.field) == (
        code,
        status,
        "alert_id",
    )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(HitFollowUp)) == 0
    assert session.scalar(select(func.count()).select_from(SlaClock)) == 0


def test_a_hit_is_reported_once_and_not_on_a_closed_alert(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert, check, f = reported(session, scene)
    with pytest.raises(DomainError) as twice:
        followups.report_hit(session, scene.officer, check_id=check.id, alert_id=alert.id)
    assert (twice.value.code, twice.value.data["reference"]) == (
        "hit_already_reported",
        f.reference,
    )
    session.rollback()
    cancelled = make_alert(
        session, scene.agencies["JS"], ref="JS-2026-A00003", status=AlertStatus.CANCELLED
    )
    check = make_check(session, scene.officer, cancelled)
    with pytest.raises(DomainError) as gone:
        followups.report_hit(session, scene.officer, check_id=check.id, alert_id=cancelled.id)
    assert (gone.value.code, gone.value.status) == ("alert_not_active", 409)
    expired = make_alert(session, scene.agencies["JS"], ref="JS-2026-A00004")
    expired.expires_at = frozen_clock.now() - timedelta(minutes=1)
    session.commit()
    check = make_check(session, scene.officer, expired)
    with pytest.raises(DomainError) as past:
        followups.report_hit(session, scene.officer, check_id=check.id, alert_id=expired.id)
    assert past.value.code == "alert_not_active"
    with pytest.raises(DomainError) as long_note:
        followups.report_hit(
            session, scene.officer, check_id=check.id, alert_id=expired.id, note="x" * 2001
        )
    assert long_note.value.field == "note"


def test_the_outcome_not_carried_out_needs_its_reason(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    f = confirmed(session, scene)
    for bad, field in (
        ({"outcome": "not_carried_out"}, "reason"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "carried_out", "report": {"place": "G60"}}, "report"),
    ):
        with pytest.raises(DomainError) as refused:
            followups.report_outcome(session, scene.officer, f, **bad)
        assert (refused.value.status, refused.value.field) == (422, field)
        session.rollback()
    assert (f.status, f.version) == (FollowUpStatus.CONFIRMED, 3)
    followups.report_outcome(
        session, scene.officer, f, outcome="not_carried_out", reason="the person fled on foot"
    )
    assert (f.outcome, f.outcome_reason) == (Outcome.NOT_CARRIED_OUT, "the person fled on foot")
    assert not followups.may_fulfil(session, scene.js_issuer, f)


def test_a_discreet_check_returns_a_structured_report(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    f = confirmed(
        session,
        scene,
        alert_type=AlertType.DISCREET_CHECK,
        priority=Priority.ROUTINE,
        action_on_hit="Discreet check. Do not tell the subject.",
    )
    full = {
        "place": "G60 Songjiang toll station",
        "time": "2026-11-23 10:40",
        "route": "G60 towards Hangzhou",
        "destination": "Jiaxing",
        "vehicle": "white Buick GL8 沪A·12345",
        "companions": "one man, about 40",
        "items": "two suitcases",
    }
    for missing in ("place", "time"):
        report = {k: v for k, v in full.items() if k != missing}
        with pytest.raises(DomainError) as refused:
            followups.report_outcome(
                session, scene.officer, f, outcome="carried_out", report=report
            )
        assert (refused.value.status, refused.value.field) == (422, missing)
        session.rollback()
    with pytest.raises(DomainError) as unknown:
        followups.report_outcome(
            session, scene.officer, f, outcome="carried_out", report={**full, "mood": "calm"}
        )
    assert unknown.value.field == "mood"
    session.rollback()
    with pytest.raises(DomainError) as blank:
        followups.report_outcome(
            session, scene.officer, f, outcome="carried_out", report={**full, "place": "   "}
        )
    assert blank.value.field == "place"
    session.rollback()
    assert f.status is FollowUpStatus.CONFIRMED
    assert f.discreet_report is None
    assert actions_on(session, f.id)[-1] == "hit_followup.confirm"
    followups.report_outcome(session, scene.officer, f, outcome="carried_out", report=full)
    session.commit()
    stored = session.get(HitFollowUp, f.id)
    assert stored is not None
    assert (stored.status, stored.discreet_report) == (FollowUpStatus.CLOSED, full)


def test_open_follow_ups_are_listed_for_both_sides(
    session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    _, _, waiting = reported(session, scene)
    answered = confirmed(session, scene, ref="JS-2026-A00009")
    board = followups.dashboard(session, scene.liaison)
    assert [r.followup.reference for r in board.to_answer] == [waiting.reference]
    assert [r.followup.reference for r in board.awaiting_outcome] == [answered.reference]
    assert board.reported_by_us == []
    board = followups.dashboard(session, scene.officer)
    assert board.to_answer == []
    assert {r.followup.reference for r in board.reported_by_us} == {
        waiting.reference,
        answered.reference,
    }
    assert followups.dashboard(session, scene.outsider).to_answer == []
    page = followups.list_open(session, scene.officer, limit=1)
    assert len(page.items) == 1
    assert page.next_cursor
    rest = followups.list_open(session, scene.officer, cursor=page.next_cursor, limit=1)
    assert {page.items[0].id, rest.items[0].id} == {waiting.id, answered.id}
    # "My work": the finder owes the outcome (the issuer's answer is the deadlines' item).
    assert followups.open_followups(session, scene.liaison) == []
    [outcome] = followups.open_followups(session, scene.officer)
    assert isinstance(outcome, WorkItem)
    assert (outcome.reference, outcome.deadline, outcome.link) == (
        answered.reference,
        None,
        f"/followups/{answered.reference}",
    )
    assert followups.open_followups(session, scene.outsider) == []


def test_every_row_of_the_table_and_one_refused_move_per_status(
    session: Session, frozen_clock: FrozenClock
) -> None:
    assert FOLLOWUP_TABLE.terminal() == {FollowUpStatus.REFUSED, FollowUpStatus.CLOSED}
    scene = make_scene(session)
    moves: dict[str, Callable[[HitFollowUp], object]] = {
        "claim": lambda f: followups.claim(session, scene.liaison, f),
        "confirm": lambda f: followups.confirm(session, scene.liaison, f),
        "refuse": lambda f: followups.refuse(session, scene.liaison, f, facts="another person"),
        "report_outcome": lambda f: followups.report_outcome(
            session, scene.officer, f, outcome="carried_out"
        ),
    }
    path = {
        FollowUpStatus.REPORTED: [],
        FollowUpStatus.CLAIMED: ["claim"],
        FollowUpStatus.CONFIRMED: ["claim", "confirm"],
        FollowUpStatus.REFUSED: ["claim", "refuse"],
        FollowUpStatus.CLOSED: ["claim", "confirm", "report_outcome"],
    }
    refused = {
        FollowUpStatus.REPORTED: "confirm",
        FollowUpStatus.CLAIMED: "report_outcome",
        FollowUpStatus.CONFIRMED: "claim",
        FollowUpStatus.REFUSED: "report_outcome",
        FollowUpStatus.CLOSED: "claim",
    }
    rows = FOLLOWUP_TABLE.rows()
    assert len(rows) == 4
    for n, (start, action, target) in enumerate(rows):
        _, _, f = reported(session, scene, ref=f"JS-2026-T{n:05d}")
        for step in path[start]:
            moves[step](f)
        assert f.status is start
        moves[action](f)
        session.commit()
        assert f.status is target, (start, action)
    for n, status in enumerate(FollowUpStatus):
        _, _, f = reported(session, scene, ref=f"JS-2026-R{n:05d}")
        for step in path[status]:
            moves[step](f)
        session.commit()
        version = f.version
        with pytest.raises(TransitionNotAllowed):
            moves[refused[status]](f)
        session.rollback()
        assert (f.status, f.version) == (status, version)
