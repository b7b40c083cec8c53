"""The rules of meetings, the agenda, decisions and commands; each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.core.workflow import TransitionNotAllowed
from accord.meetings import commands, service
from accord.meetings.models import (
    ActionCommand,
    AgendaItem,
    AgendaItemStatus,
    DeadlineExtension,
    Decision,
    Meeting,
)
from accord.meetings.transitions import CommandStatus, MeetingStatus
from accord.security.policy import PermissionDenied
from accord.zones import service as zones_service
from tests.meetings.helpers import (
    count,
    decide_all,
    held_with_item,
    make_yrd,
    outbox,
    schedule,
)


def test_a_meeting_is_hosted_by_the_chair_and_invites_every_member(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    zones_service.set_chair_term(
        session,
        yrd.secretariat,
        yrd.zone,
        "320000",
        starts_on=frozen_clock.now().date() - timedelta(days=30),
        ends_on=frozen_clock.now().date() + timedelta(days=300),
    )
    meeting = schedule(session, yrd)
    assert meeting.host.code == "320000"
    assert meeting.reference.startswith(yrd.agencies["JS"].prefix + "-2026-")
    assert [p.agency.code for p in meeting.participants] == [
        "310000",
        "320000",
        "330000",
        "340000",
    ]
    assert meeting.status == MeetingStatus.PLANNED
    [note] = outbox(session, "meeting.scheduled")
    assert note.reference == meeting.reference
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-1] == "meeting.create"


def test_without_a_chair_the_secretariat_hosts(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    assert schedule(session, yrd).host.code == "310000"


@pytest.mark.parametrize(
    ("days", "cutoff", "field"),
    [(-1, -2, "starts_at"), (5, 6, "agenda_cutoff_at"), (5, -1, "agenda_cutoff_at")],
)
def test_bad_meeting_times_are_refused(
    session: Session, frozen_clock: FrozenClock, days: int, cutoff: int, field: str
) -> None:
    yrd = make_yrd(session)
    with pytest.raises(service.InvalidInput) as refused:
        schedule(session, yrd, days=days, cutoff_days=cutoff)
    assert refused.value.field == field
    session.rollback()
    assert count(session, Meeting) == 0


def test_only_the_secretariat_schedules(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    with pytest.raises(PermissionDenied):
        service.create_meeting(
            session,
            yrd.zj_liaison,
            zone=yrd.zone,
            title_zh="x",
            starts_at=frozen_clock.now() + timedelta(days=3),
            agenda_cutoff_at=frozen_clock.now() + timedelta(days=1),
        )


def test_members_submit_items_before_the_cut_off_and_publishing_accepts_them(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    item = service.submit_item(session, yrd.zj_liaison, meeting, title="边界道路交通管理")
    assert (item.agency.code, item.status) == ("330000", AgendaItemStatus.SUBMITTED)
    director_item = service.submit_item(session, yrd.zj_director, meeting, title="情报共享")
    assert director_item.position == 2
    service.move_meeting(session, yrd.secretariat, meeting, "publish_agenda")
    assert {i.status for i in meeting.items} == {AgendaItemStatus.ACCEPTED}
    late_but_open = service.submit_item(session, yrd.js_liaison, meeting, title="追逃")
    assert late_but_open.status == AgendaItemStatus.ACCEPTED


def test_an_item_after_the_cut_off_is_refused(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    frozen_clock.advance(timedelta(days=5))
    with pytest.raises(service.AgendaClosed) as refused:
        service.submit_item(session, yrd.zj_liaison, meeting, title="too late")
    assert refused.value.code == "agenda_closed"
    assert refused.value.status == 422
    session.rollback()
    assert count(session, AgendaItem) == 0


def test_non_members_submit_nothing(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    with pytest.raises(PermissionDenied):
        service.submit_item(session, yrd.outsider, meeting, title="not ours")
    session.rollback()
    assert count(session, AgendaItem) == 0


def test_a_decision_before_the_meeting_took_place_is_refused(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    item = service.submit_item(session, yrd.zj_liaison, meeting, title="议题")
    service.move_meeting(session, yrd.secretariat, meeting, "publish_agenda")
    session.commit()
    with pytest.raises(service.MeetingNotHeld) as refused:
        service.decide(
            session,
            yrd.secretariat,
            item,
            text_zh="决定",
            owners="all",
            deadline=frozen_clock.now() + timedelta(days=30),
        )
    assert (refused.value.status, refused.value.code) == (409, "meeting_not_held")
    session.rollback()
    assert (count(session, Decision), count(session, ActionCommand)) == (0, 0)


def test_a_command_for_an_agency_that_is_not_a_member_is_refused(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    for owners in (["330000", "VN-HAN"], ["330100"]):
        with pytest.raises(service.NotAMember) as refused:
            service.decide(
                session,
                yrd.secretariat,
                item,
                text_zh="决定",
                owners=owners,
                deadline=frozen_clock.now() + timedelta(days=30),
            )
        assert (refused.value.status, refused.value.code) == (422, "not_a_member")
        session.rollback()
    assert (count(session, Decision), count(session, ActionCommand)) == (0, 0)


def test_commands_need_a_future_deadline(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    for deadline in (None, frozen_clock.now() - timedelta(hours=1)):
        with pytest.raises(service.InvalidInput) as refused:
            service.decide(
                session, yrd.secretariat, item, text_zh="决定", owners="all", deadline=deadline
            )
        assert refused.value.field == "deadline"
        session.rollback()
    assert count(session, Decision) == 0


def test_all_members_fans_out_to_one_command_per_member(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decision = decide_all(session, yrd, item)
    owners = sorted(c.owner.code for c in decision.commands)
    assert owners == ["310000", "320000", "330000", "340000"]
    for c in decision.commands:
        assert c.reference.startswith(c.owner.prefix + "-2026-")
        assert c.status == CommandStatus.ISSUED
    assert len(outbox(session, "command.issued")) == 4


def test_a_decision_for_named_members_and_one_without_commands(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    named = service.decide(
        session,
        yrd.secretariat,
        item,
        text_zh="浙江、江苏牵头",
        owners="330000, 320000",
        deadline=frozen_clock.now() + timedelta(days=10),
    )
    assert sorted(c.owner.code for c in named.commands) == ["320000", "330000"]
    noted = service.decide(session, yrd.secretariat, item, text_zh="会议听取了汇报")
    assert noted.commands == []


def test_only_the_owner_moves_its_command_and_the_secretariat_withdraws(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decision = decide_all(session, yrd, item)
    zj = next(c for c in decision.commands if c.owner.code == "330000")
    with pytest.raises(PermissionDenied):
        commands.move_command(session, yrd.js_liaison, zj, "acknowledge")
    with pytest.raises(PermissionDenied):
        commands.move_command(session, yrd.zj_liaison, zj, "withdraw", reason="no")
    session.rollback()
    assert commands.move_command(session, yrd.zj_liaison, zj, "acknowledge") == "acknowledged"
    assert commands.allowed_actions(session, yrd.zj_liaison, zj) == ["start"]
    assert commands.allowed_actions(session, yrd.secretariat, zj) == ["withdraw"]
    with pytest.raises(service.InvalidInput):
        commands.move_command(session, yrd.secretariat, zj, "withdraw")
    assert commands.move_command(session, yrd.secretariat, zj, "withdraw", reason="merged") == (
        "withdrawn"
    )
    with pytest.raises(commands.UnknownAction):
        commands.move_command(session, yrd.secretariat, zj, "explode")


def test_done_after_the_deadline_is_done_late_and_overdue_is_derived(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decision = decide_all(session, yrd, item, deadline=frozen_clock.now() + timedelta(days=1))
    zj = next(c for c in decision.commands if c.owner.code == "330000")
    commands.move_command(session, yrd.zj_liaison, zj, "acknowledge")
    commands.move_command(session, yrd.zj_liaison, zj, "start")
    frozen_clock.advance(timedelta(days=2))
    assert zj.overdue_at(frozen_clock.now())
    commands.move_command(session, yrd.zj_liaison, zj, "complete")
    assert zj.done_late
    assert not zj.overdue_at(frozen_clock.now())
    rows = {r.code: r for r in commands.dashboard(session, yrd.secretariat, yrd.zone)}
    assert (rows["330000"].done_late, rows["330000"].open) == (1, 0)
    assert (rows["320000"].open, rows["320000"].overdue) == (1, 1)
    overdue = commands.list_commands(session, yrd.secretariat, yrd.zone, overdue_only=True)
    assert sorted(c.owner.code for c in overdue) == ["310000", "320000", "340000"]


def test_progress_reports_are_the_owners_and_only_while_open(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decision = decide_all(session, yrd, item)
    zj = next(c for c in decision.commands if c.owner.code == "330000")
    report = commands.add_progress(session, yrd.zj_liaison, zj, text="已部署专项行动")
    assert zj.progress == [report]
    with pytest.raises(service.InvalidInput):
        commands.add_progress(session, yrd.zj_liaison, zj, text="  ")
    with pytest.raises(PermissionDenied):
        commands.add_progress(session, yrd.js_liaison, zj, text="not mine")
    commands.move_command(session, yrd.secretariat, zj, "withdraw", reason="superseded")
    with pytest.raises(commands.CommandClosed):
        commands.add_progress(session, yrd.zj_liaison, zj, text="late news")


def test_the_secretariat_extends_a_deadline_with_a_reason(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decision = decide_all(session, yrd, item)
    zj = next(c for c in decision.commands if c.owner.code == "330000")
    old, version = zj.deadline, zj.version
    later = old + timedelta(days=14)
    with pytest.raises(service.InvalidInput) as no_reason:
        commands.extend_deadline(session, yrd.secretariat, zj, deadline=later, reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(service.InvalidInput) as earlier:
        commands.extend_deadline(
            session, yrd.secretariat, zj, deadline=old - timedelta(days=1), reason="x"
        )
    assert earlier.value.field == "deadline"
    with pytest.raises(PermissionDenied):
        commands.extend_deadline(session, yrd.zj_liaison, zj, deadline=later, reason="please")
    session.rollback()
    assert count(session, DeadlineExtension) == 0
    commands.extend_deadline(session, yrd.secretariat, zj, deadline=later, reason="节假日")
    assert (zj.deadline, zj.version) == (later, version + 1)
    [ext] = zj.extensions
    assert (ext.old_deadline, ext.new_deadline, ext.reason) == (old, later, "节假日")


def test_attendance_and_minutes_once_held(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    with pytest.raises(service.MeetingNotHeld):
        service.record_minutes(session, yrd.secretariat, meeting, text="...")
    with pytest.raises(service.MeetingNotHeld):
        service.record_attendance(session, yrd.secretariat, meeting, attended=["310000"])
    service.move_meeting(session, yrd.secretariat, meeting, "publish_agenda")
    service.move_meeting(session, yrd.secretariat, meeting, "hold")
    with pytest.raises(service.NotAMember):
        service.record_attendance(session, yrd.secretariat, meeting, attended=["VN-HAN"])
    service.record_attendance(session, yrd.secretariat, meeting, attended=["310000", "330000"])
    assert {p.agency.code: p.attended for p in meeting.participants} == {
        "310000": True,
        "320000": False,
        "330000": True,
        "340000": False,
    }
    service.record_minutes(session, yrd.secretariat, meeting, text="会议纪要")
    assert meeting.minutes == "会议纪要"
    assert meeting.minutes_by == "yrd.sec"


def test_my_work_lists_the_open_commands_of_my_agency(
    session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decide_all(session, yrd, item)
    [work] = commands.commands_for(session, yrd.zj_liaison)
    assert (work.kind, work.agency_code, work.status) == ("action_command", "330000", "issued")
    assert work.link == f"/commands/{work.reference}"
    assert commands.commands_for(session, yrd.outsider) == []


def test_a_cancelled_meeting_takes_no_items(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    with pytest.raises(service.InvalidInput):
        service.move_meeting(session, yrd.secretariat, meeting, "cancel")
    service.move_meeting(session, yrd.secretariat, meeting, "cancel", reason="台风")
    with pytest.raises(service.AgendaClosed):
        service.submit_item(session, yrd.zj_liaison, meeting, title="x")
    with pytest.raises(TransitionNotAllowed):
        service.move_meeting(session, yrd.secretariat, meeting, "hold")


def test_only_the_owner_side_adds_files_to_a_progress_report(
    session: Session, frozen_clock: FrozenClock, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from accord.attachments import service as attachments

    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path))
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decision = decide_all(session, yrd, item)
    zj = next(c for c in decision.commands if c.owner.code == "330000")
    report = commands.add_progress(session, yrd.zj_liaison, zj, text="已部署专项行动")
    key = str(report.id)
    stored = attachments.store(
        session,
        yrd.zj_liaison,
        stream=io.BytesIO(b"progress notes\n"),
        filename="notes.txt",
        declared_type="text/plain",
        object_type="action_command_progress",
        object_id=key,
    )
    # Jiangsu may read the zone's progress reports, but not add to Zhejiang's.
    assert attachments.ACCESS_CHECKS["action_command_progress"](session, yrd.js_liaison, key)
    with pytest.raises(PermissionDenied):
        attachments.store(
            session,
            yrd.js_liaison,
            stream=io.BytesIO(b"not mine\n"),
            filename="x.txt",
            declared_type="text/plain",
            object_type="action_command_progress",
            object_id=key,
        )
    assert stored.object_id == key
