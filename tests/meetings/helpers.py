"""A Yangtze River Delta zone and its people, for the meetings tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core import clock
from accord.meetings import service
from accord.meetings.models import AgendaItem, Decision, Meeting
from accord.meetings.transitions import MeetingStatus
from accord.notify.models import OutboxMessage
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.models import Zone
from tests.factories import make_actor, make_named

MEMBERS = ["310000", "320000", "330000", "340000"]


@dataclass
class Yrd:
    zone: Zone
    agencies: dict[str, Agency]
    secretariat: Actor
    zj_liaison: Actor
    js_liaison: Actor
    zj_director: Actor
    outsider: Actor


def make_yrd(session: Session) -> Yrd:
    agencies = make_named(session, "SH", "JS", "ZJ", "AH", "HZ", "HAN")
    zone = zones_service.create_zone(
        session,
        Actor.system(),
        code="YRD",
        name_zh="长三角",
        name_en="Yangtze River Delta",
        fields=["intelligence"],
        founded_on=date(2019, 5, 22),
        members=MEMBERS,
        secretariat="310000",
    )
    session.commit()
    return Yrd(
        zone=zone,
        agencies=agencies,
        secretariat=make_actor(
            agencies["SH"], Role.SECRETARIAT, username="yrd.sec", zone_id=zone.id
        ),
        zj_liaison=make_actor(agencies["ZJ"], Role.LIAISON, username="zj.liaison"),
        js_liaison=make_actor(agencies["JS"], Role.LIAISON, username="js.liaison"),
        zj_director=make_actor(agencies["ZJ"], Role.DIRECTOR, username="zj.dir", zone_id=zone.id),
        outsider=make_actor(agencies["HAN"], Role.LIAISON, username="han.liaison"),
    )


def schedule(session: Session, yrd: Yrd, *, days: int = 10, cutoff_days: int = 5) -> Meeting:
    now = clock.now()
    meeting = service.create_meeting(
        session,
        yrd.secretariat,
        zone=yrd.zone,
        title_zh="长三角警务合作第七次联席会议",
        title_en="7th YRD joint police meeting",
        starts_at=now + timedelta(days=days),
        agenda_cutoff_at=now + timedelta(days=cutoff_days),
        location="上海",
    )
    session.commit()
    return meeting


def held_with_item(session: Session, yrd: Yrd) -> tuple[Meeting, AgendaItem]:
    meeting = schedule(session, yrd)
    item = service.submit_item(session, yrd.zj_liaison, meeting, title="跨省电信诈骗联合打击")
    service.move_meeting(session, yrd.secretariat, meeting, "publish_agenda")
    service.move_meeting(session, yrd.secretariat, meeting, "hold")
    session.commit()
    assert meeting.status == MeetingStatus.HELD
    return meeting, item


def decide_all(
    session: Session, yrd: Yrd, item: AgendaItem, *, deadline: datetime | None = None
) -> Decision:
    decision = service.decide(
        session,
        yrd.secretariat,
        item,
        text_zh="各成员单位开展电信诈骗专项行动",
        text_en="Each member runs a telecom-fraud operation",
        owners="all",
        deadline=deadline or clock.now() + timedelta(days=30),
    )
    session.commit()
    return decision


def count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def outbox(session: Session, event: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))
