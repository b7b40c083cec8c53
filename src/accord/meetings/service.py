"""Meetings of a zone: scheduling, the agenda members submit before the cut-off, the meeting's
course (agenda published, held, closed, or cancelled), attendance, minutes, and the decisions
that become action commands (see `accord.meetings.commands` for what happens to those).

Who may do what (all through `accord.security.policy`): the zone's secretariat runs meetings
(`meetings.manage`); members' directors and liaisons submit agenda items for their own agency
(`agenda.submit`); anyone acting under the zone reads its meetings (`meetings.read`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock, refs
from accord.core.config import get_settings
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.workflow import transition
from accord.meetings.models import (
    ActionCommand,
    AgendaItem,
    AgendaItemStatus,
    Decision,
    Meeting,
    MeetingKind,
    MeetingParticipant,
)
from accord.meetings.transitions import (
    AGENDA_OPEN,
    MEETING_TABLE,
    TOOK_PLACE,
    CommandStatus,
    MeetingStatus,
)
from accord.notify import service as notify
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.models import Zone
from accord.zones.service import NotAMember

ALL_MEMBERS = "all"
MAX_TITLE = 300


class MeetingNotFound(NotFound):
    code = "meeting_not_found"
    title = "Meeting not found"


class AgendaItemNotFound(NotFound):
    code = "agenda_item_not_found"
    title = "Agenda item not found"


class AgendaClosed(InvalidInput):
    code = "agenda_closed"
    title = "The agenda is closed"


class MeetingNotHeld(Conflict):
    code = "meeting_not_held"
    title = "The meeting has not taken place"


class ItemNotOnAgenda(Conflict):
    code = "item_not_on_agenda"
    title = "The item is not on the agenda"


def parse_local(text: str, field: str) -> datetime:
    """A date and time typed by a user (ISO 8601, or a `datetime-local` form value); without
    an offset it is read in the display time zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time like 2026-12-01T09:30", field=field
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(get_settings().display_timezone))
    return value


def parse_key(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key.strip())
    except ValueError:
        return None


# --- reading ---------------------------------------------------------------------------------


def get_meeting(session: Session, key: str) -> Meeting:
    """A meeting by its reference number (or id)."""
    meeting = refs.find(session, Meeting, key)
    if meeting is None:
        raise MeetingNotFound(f"no meeting {key!r}", field="meeting")
    return meeting


def read_meeting(session: Session, actor: Actor, key: str) -> Meeting:
    meeting = get_meeting(session, key)
    policy.require_zone(session, actor, "meetings.read", meeting.zone_id)
    return meeting


def get_item(session: Session, item_id: uuid.UUID | str) -> AgendaItem:
    key = item_id if isinstance(item_id, uuid.UUID) else parse_key(item_id)
    item = session.get(AgendaItem, key) if key is not None else None
    if item is None:
        raise AgendaItemNotFound(f"no agenda item {item_id}", field="item")
    return item


def list_meetings(session: Session, actor: Actor, zone: Zone) -> list[Meeting]:
    """The zone's meetings, soonest first."""
    policy.require_zone(session, actor, "meetings.read", zone.id)
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.zone_id == zone.id)
            .order_by(Meeting.starts_at, Meeting.reference)
        )
    )


def split_upcoming(
    meetings: Iterable[Meeting], now: datetime
) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, soonest first; past, latest first). A meeting held early counts as past."""
    upcoming = [m for m in meetings if m.starts_at >= now and m.status in AGENDA_OPEN]
    past = [m for m in meetings if m not in upcoming]
    return upcoming, sorted(past, key=lambda m: m.starts_at, reverse=True)


def agenda_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.status in AGENDA_OPEN and (now or clock.now()) < meeting.agenda_cutoff_at


def can_manage(session: Session, actor: Actor | None, zone_id: uuid.UUID) -> bool:
    return actor is not None and policy.allows_in_zone(session, actor, "meetings.manage", zone_id)


def submitting_member(session: Session, actor: Actor, zone: Zone) -> Agency | None:
    """The member agency under which the actor would submit agenda items, if they may."""
    if actor.agency_id is None:
        return None
    member = zones_service.member_for(session, zone, actor.agency_id, zones_service.today())
    if member is None:
        return None
    allowed = policy.allows_in_zone(
        session, actor, "agenda.submit", zone.id, agency_id=member.agency_id
    )
    return member.agency if allowed else None


# --- scheduling ------------------------------------------------------------------------------


def _active_members(zone: Zone) -> list[Agency]:
    return sorted(
        (m.agency for m in zones_service.members_on(zone, zones_service.today())),
        key=lambda a: a.code,
    )


def _member_by_code(zone: Zone, code: str, field: str) -> Agency:
    wanted = code.strip().upper()
    for agency in _active_members(zone):
        if agency.code.upper() == wanted:
            return agency
    raise NotAMember(f"{code} is not a member of {zone.code}", field=field, agency=code)


def _text(value: str | None, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required", field=field)
    if limit and len(text) > limit:
        raise InvalidInput(f"{field} is at most {limit} characters", field=field)
    return text


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(f"{field} needs a time zone offset", field=field)
    return value


def create_meeting(
    session: Session,
    actor: Actor,
    *,
    zone: Zone,
    title_zh: str,
    title_en: str = "",
    starts_at: datetime,
    agenda_cutoff_at: datetime,
    kind: MeetingKind | str = MeetingKind.REGULAR,
    location: str = "",
    host_code: str | None = None,
) -> Meeting:
    """Schedule a meeting; the host is the current chair unless another member is named."""
    policy.require_zone(session, actor, "meetings.manage", zone.id)
    zh = _text(title_zh or title_en, "title_zh", limit=MAX_TITLE)
    en = _text(title_en, "title_en", required=False, limit=MAX_TITLE) or zh
    try:
        meeting_kind = MeetingKind(kind)
    except ValueError:
        raise InvalidInput("kind is regular or extraordinary", field="kind") from None
    starts_at = _aware(starts_at, "starts_at")
    agenda_cutoff_at = _aware(agenda_cutoff_at, "agenda_cutoff_at")
    now = clock.now()
    if starts_at <= now:
        raise InvalidInput("a new meeting starts in the future", field="starts_at")
    if not now < agenda_cutoff_at <= starts_at:
        raise InvalidInput(
            "the agenda cut-off lies between now and the start of the meeting",
            field="agenda_cutoff_at",
        )
    place = _text(location, "location", required=False, limit=MAX_TITLE)
    if host_code:
        host = _member_by_code(zone, host_code, "host")
    else:
        chair = zones_service.current_chair(session, zone)
        host = chair.agency if chair is not None else zone.secretariat
    members = _active_members(zone)
    meeting_id = uuid7()
    reference = refs.allocate(
        session,
        agency_id=host.id,
        prefix=host.prefix,
        kind="meeting",
        object_id=meeting_id,
        title=zh,
    )
    meeting = Meeting(
        id=meeting_id,
        zone_id=zone.id,
        reference=reference,
        kind=meeting_kind,
        title_zh=zh,
        title_en=en,
        starts_at=starts_at,
        location=place,
        host_agency_id=host.id,
        agenda_cutoff_at=agenda_cutoff_at,
        status=MeetingStatus.PLANNED,
        minutes="",
        created_by=actor.username[:80],
        participants=[
            MeetingParticipant(id=uuid7(), agency_id=a.id, position=i)
            for i, a in enumerate(members)
        ],
        items=[],
    )
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor,
        action="meeting.create",
        object_type="meeting",
        object_id=meeting.id,
        detail={
            "reference": reference,
            "zone": zone.code,
            "kind": meeting_kind.value,
            "starts_at": starts_at.isoformat(),
            "agenda_cutoff_at": agenda_cutoff_at.isoformat(),
            "host": host.code,
        },
    )
    notify.enqueue(
        session,
        event="meeting.scheduled",
        title=f"{zone.code} 会议 {reference} 已安排 · meeting {reference} scheduled",
        reference=reference,
        link=f"/meetings/{reference}",
        to_agencies=[a.id for a in members],
        to_roles=[Role.DIRECTOR, Role.LIAISON],
        dedupe_key=f"meeting.scheduled:{meeting.id}",
    )
    return meeting


# --- the agenda ------------------------------------------------------------------------------


def submit_item(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    *,
    title: str,
    description: str = "",
    agency_code: str | None = None,
) -> AgendaItem:
    """A member puts an item on the agenda, before the cut-off. `agency_code` names the member
    when the actor has no agency of its own (the system, loading the demo)."""
    zone = meeting.zone
    policy.require_zone(session, actor, "meetings.read", zone.id)
    if agency_code is not None:
        member = _member_by_code(zone, agency_code, "agency")
    else:
        found = (
            zones_service.member_for(session, zone, actor.agency_id, zones_service.today())
            if actor.agency_id is not None
            else None
        )
        if found is None:
            raise NotAMember(
                f"{actor.agency_code or actor.username} is not a member of {zone.code}",
                field="agency",
            )
        member = found.agency
    policy.require_zone(session, actor, "agenda.submit", zone.id, agency_id=member.id)
    item_title = _text(title, "title", limit=MAX_TITLE)
    text = _text(description, "description", required=False, limit=10_000)
    now = clock.now()
    if meeting.status not in AGENDA_OPEN:
        raise AgendaClosed(
            f"the meeting is {meeting.status.value}: it takes no more agenda items",
            field="title",
            status_now=meeting.status.value,
        )
    if now >= meeting.agenda_cutoff_at:
        raise AgendaClosed(
            f"the agenda closed at {meeting.agenda_cutoff_at.isoformat()}",
            field="title",
            agenda_cutoff_at=meeting.agenda_cutoff_at.isoformat(),
        )
    status = (
        AgendaItemStatus.ACCEPTED
        if meeting.status == MeetingStatus.AGENDA_PUBLISHED
        else AgendaItemStatus.SUBMITTED
    )
    item = AgendaItem(
        id=uuid7(),
        agency=member,
        submitted_by=actor.username[:80],
        title=item_title,
        description=text,
        submitted_at=now,
        position=max((i.position for i in meeting.items), default=0) + 1,
        status=status,
        decisions=[],
    )
    meeting.items.append(item)
    session.flush()
    audit.record(
        session,
        actor,
        action="agenda_item.submit",
        object_type="agenda_item",
        object_id=item.id,
        detail={"meeting": meeting.reference, "agency": member.code, "title": item_title},
    )
    notify.enqueue(
        session,
        event="agenda.submitted",
        title=f"{meeting.reference}: {member.code} 提交议题 · agenda item submitted",
        reference=meeting.reference,
        link=f"/meetings/{meeting.reference}",
        to_users=zones_service.secretariat_users(session, zone.id),
        channels=["inbox", "live"],
    )
    return item


def withdraw_item(session: Session, actor: Actor, item: AgendaItem) -> AgendaItem:
    """The submitting member takes an item back, while the agenda is open."""
    meeting = item.meeting
    policy.require_zone(session, actor, "agenda.submit", meeting.zone_id, agency_id=item.agency_id)
    if not agenda_open(meeting):
        raise AgendaClosed("the agenda is closed: the item stays", field="item")
    if item.status == AgendaItemStatus.WITHDRAWN:
        raise ItemNotOnAgenda("the item was already withdrawn", field="item")
    item.status = AgendaItemStatus.WITHDRAWN
    session.flush()
    audit.record(
        session,
        actor,
        action="agenda_item.withdraw",
        object_type="agenda_item",
        object_id=item.id,
        detail={"meeting": meeting.reference},
    )
    return item


# --- the meeting's course ----------------------------------------------------------------------


def move_meeting(
    session: Session, actor: Actor, meeting: Meeting, action: str, *, reason: str | None = None
) -> MeetingStatus:
    """publish_agenda, hold, close or cancel (the secretariat)."""
    policy.require_zone(session, actor, "meetings.manage", meeting.zone_id)
    if action == "cancel":
        _text(reason, "reason", limit=2000)
    target = transition(
        session,
        actor,
        meeting,
        table=MEETING_TABLE,
        action=action,
        object_type="meeting",
        reason=reason,
        detail={"reference": meeting.reference},
    )
    if target == MeetingStatus.AGENDA_PUBLISHED:
        for item in meeting.items:
            if item.status == AgendaItemStatus.SUBMITTED:
                item.status = AgendaItemStatus.ACCEPTED
        session.flush()
    if target in (MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.CANCELLED):
        what = "议程已发布 · agenda published" if action != "cancel" else "已取消 · cancelled"
        notify.enqueue(
            session,
            event=f"meeting.{target.value}",
            title=f"{meeting.zone.code} {meeting.reference}: {what}",
            reference=meeting.reference,
            link=f"/meetings/{meeting.reference}",
            to_agencies=[p.agency_id for p in meeting.participants],
            to_roles=[Role.DIRECTOR, Role.LIAISON],
            dedupe_key=f"meeting.{target.value}:{meeting.id}",
        )
    return target


def _require_held(meeting: Meeting, what: str) -> None:
    if meeting.status not in TOOK_PLACE:
        raise MeetingNotHeld(
            f"the meeting is {meeting.status.value}: {what} only once it has been held",
            field="meeting",
            status_now=meeting.status.value,
        )


def record_attendance(
    session: Session, actor: Actor, meeting: Meeting, *, attended: Iterable[str]
) -> Meeting:
    """Which invited members attended (agency codes); the others are marked absent."""
    policy.require_zone(session, actor, "meetings.manage", meeting.zone_id)
    _require_held(meeting, "attendance is recorded")
    codes = {c.strip().upper() for c in attended if c.strip()}
    invited = {p.agency.code.upper(): p for p in meeting.participants}
    unknown = sorted(codes - set(invited))
    if unknown:
        raise NotAMember(
            f"not invited to {meeting.reference}: {', '.join(unknown)}", field="attended"
        )
    for code, participant in invited.items():
        participant.attended = code in codes
    session.flush()
    audit.record(
        session,
        actor,
        action="meeting.attendance",
        object_type="meeting",
        object_id=meeting.id,
        detail={"reference": meeting.reference, "attended": sorted(codes)},
    )
    return meeting


def record_minutes(session: Session, actor: Actor, meeting: Meeting, *, text: str) -> Meeting:
    policy.require_zone(session, actor, "meetings.manage", meeting.zone_id)
    _require_held(meeting, "minutes are recorded")
    meeting.minutes = _text(text, "minutes", limit=100_000)
    meeting.minutes_by = actor.username[:80]
    meeting.minutes_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        action="meeting.minutes",
        object_type="meeting",
        object_id=meeting.id,
        detail={"reference": meeting.reference, "length": len(meeting.minutes)},
    )
    return meeting


# --- decisions and the commands they give ----------------------------------------------------


def _owners(zone: Zone, owners: str | Sequence[str] | None) -> list[Agency]:
    if owners is None:
        return []
    if isinstance(owners, str):
        if owners.strip().lower() == ALL_MEMBERS:
            return _active_members(zone)
        owners = owners.split(",")
    codes = [o.strip() for o in owners if o.strip()]
    if any(c.lower() == ALL_MEMBERS for c in codes):
        return _active_members(zone)
    found: dict[uuid.UUID, Agency] = {}
    for code in codes:
        agency = _member_by_code(zone, code, "owners")
        found[agency.id] = agency
    return list(found.values())


def decide(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    *,
    text_zh: str,
    text_en: str = "",
    owners: str | Sequence[str] | None = None,
    deadline: datetime | None = None,
    description: str = "",
) -> Decision:
    """Record the meeting's decision on an agenda item; with `owners` (agency codes, or
    "all" for one command per active member) it gives each owner an action command due at
    `deadline`. Everything is checked before anything is written."""
    meeting = item.meeting
    zone = meeting.zone
    policy.require_zone(session, actor, "meetings.manage", zone.id)
    _require_held(meeting, "decisions are recorded")
    if item.status != AgendaItemStatus.ACCEPTED:
        raise ItemNotOnAgenda(f"the item is {item.status.value}, not on the agenda", field="item")
    zh = _text(text_zh or text_en, "text_zh", limit=20_000)
    en = _text(text_en, "text_en", required=False, limit=20_000)
    owner_agencies = _owners(zone, owners)
    now = clock.now()
    task = _text(description, "description", required=False, limit=20_000) or zh
    if owner_agencies:
        if deadline is None:
            raise InvalidInput("the commands need a deadline", field="deadline")
        deadline = _aware(deadline, "deadline")
        if deadline <= now:
            raise InvalidInput("the deadline lies in the future", field="deadline")
    decision = Decision(
        id=uuid7(),
        meeting_id=meeting.id,
        text_zh=zh,
        text_en=en,
        decided_at=now,
        decided_by=actor.username[:80],
        commands=[],
    )
    item.decisions.append(decision)
    session.flush()
    audit.record(
        session,
        actor,
        action="decision.record",
        object_type="decision",
        object_id=decision.id,
        detail={
            "meeting": meeting.reference,
            "agenda_item": str(item.id),
            "owners": [a.code for a in owner_agencies],
        },
    )
    for owner in owner_agencies:
        assert deadline is not None
        issue_command(
            session, actor, decision, zone=zone, owner=owner, deadline=deadline, text=task
        )
    return decision


def issue_command(
    session: Session,
    actor: Actor,
    decision: Decision,
    *,
    zone: Zone,
    owner: Agency,
    deadline: datetime,
    text: str,
) -> ActionCommand:
    """One command for one owner (called by `decide`, which has checked everything)."""
    command_id = uuid7()
    reference = refs.allocate(
        session,
        agency_id=owner.id,
        prefix=owner.prefix,
        kind="action_command",
        object_id=command_id,
        title=text[:300],
    )
    command = ActionCommand(
        id=command_id,
        zone_id=zone.id,
        owner_agency_id=owner.id,
        reference=reference,
        description=text,
        deadline=deadline,
        status=CommandStatus.ISSUED,
        progress=[],
        extensions=[],
    )
    decision.commands.append(command)
    session.flush()
    audit.record(
        session,
        actor,
        action="action_command.issue",
        object_type="action_command",
        object_id=command.id,
        detail={"reference": reference, "owner": owner.code, "deadline": deadline.isoformat()},
    )
    notify.enqueue(
        session,
        event="command.issued",
        title=f"{zone.code} 督办事项 {reference} · action command {reference}",
        body=f"deadline {deadline.isoformat()}",
        reference=reference,
        link=f"/commands/{reference}",
        to_agencies=[owner.id],
        to_roles=[Role.DIRECTOR, Role.LIAISON],
        dedupe_key=f"command.issued:{command.id}",
    )
    return command


def member_agencies(zone: Zone) -> list[Agency]:
    """The zone's active members, by code (for forms)."""
    return _active_members(zone)


def agency_by_code(session: Session, code: str) -> Agency:
    return agencies_service.get_by_code(session, code)
