"""Reading joint cases: one case as a member's user may see it (every record through the
consent gate, the read audited), and the lists of cases and of consent requests waiting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance import addressing
from accord.assistance.models import AssistanceRequest
from accord.audit import service as audit
from accord.records import access
from accord.records.access import FULL, HIT, RecordView, record_view
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor
from accord.series.joint import (
    LEAD,
    LIST_LIMIT,
    NEEDS_GRANT,
    OBJECT_TYPE,
    OPEN,
    PENDING,
    READ_PERMISSIONS,
    RELEASE_ACTOR,
    RELEASED,
    agencies_by_id,
    get_joint_case,
    members_of,
    purpose_of,
    release_agencies,
    require_reader,
)
from accord.series.models import (
    JointCase,
    JointCaseMember,
    JointCaseMessage,
    JointCaseRecord,
    Series,
)

# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    agency: Agency
    role: str
    joined_at: datetime
    request: AssistanceRequest | None
    no_request: str | None  # why the lead may not address it (None: it may, or has a request)

    @property
    def draftable(self) -> bool:
        """A member the lead may address that has no request yet (it joined as the series
        grew): the lead drafts one from the case page."""
        return self.role != LEAD and self.request is None and self.no_request is None


@dataclass(frozen=True)
class RecordRow:
    """One attached record as the reader may see it; `view` None: no longer shared."""

    record_id: uuid.UUID
    owner: access.AgencyRef
    schema: str
    release: str
    view: RecordView | None
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    handling_code: str | None = None  # for the owner's decision form: the record's own code
    handling_text: str | None = None

    @property
    def is_case(self) -> bool:
        return self.schema == "Event"


@dataclass(frozen=True)
class JointCaseRead:
    case: JointCase
    series_key: str | None
    lead: Agency
    members: list[MemberRow]
    records: list[RecordRow]
    messages: list[JointCaseMessage]
    readers: set[uuid.UUID]
    # The owners the reader may decide for, each with its records in the case.
    decide_for: list[tuple[Agency, list[RecordRow]]]
    # The reader acts for the lead: closes the case, drafts a request to a member without one.
    may_lead: bool = False

    def authors(self) -> dict[uuid.UUID, Agency]:
        return {m.agency.id: m.agency for m in self.members}


def record_for(
    session: Session, actor: Actor, row: JointCaseRecord, record: SharedRecord
) -> RecordView:
    """The record as the reader sees it through the joint case: its own agency's in full;
    released (`own`, `granted`) in full; waiting for consent, as the zones' rules show it but
    never in full when handled H2/H3; refused, as a match only. A reader who does not read
    shared records at all (`records.read`) sees every record as a match only."""
    if not actor.is_system and not policy.allows(actor, "records.read"):
        return record_view(session, RELEASE_ACTOR, record, HIT)
    seen = access.viewer(session, actor).access(record.agency_id, record.schema)
    if seen.mode == FULL and seen.rule_code is None:
        return record_view(session, actor, record, FULL)  # the reader's own agency's record
    if row.release in RELEASED:
        view = record_view(session, RELEASE_ACTOR, record, FULL)
        code = access.stricter(record.handling_code, seen.rule_code)
        return replace(
            view,
            own=False,
            handling_code=code,
            handling_text=record.handling_text if code == "H3" else None,
        )
    if (
        row.release == PENDING
        and seen.mode == FULL
        and access.stricter(record.handling_code, seen.rule_code) not in NEEDS_GRANT
    ):
        return record_view(session, actor, record, FULL)  # the rules share it in full already
    if seen.mode is None:
        # No zone shows the reader's agency this kind of record; the joint case itself has
        # told it that the owner holds a linked one: that much, and no more.
        return record_view(session, RELEASE_ACTOR, record, HIT)
    return record_view(session, actor, record, HIT)


def read_joint_case(session: Session, actor: Actor, key: str) -> JointCaseRead:
    """A joint case as a member's user sees it (404 to anyone else), audited with the purpose
    "joint case <reference>" and the subjects of every record shown."""
    case = get_joint_case(session, key)
    readers = require_reader(session, actor, case)
    members = members_of(session, case)
    agencies = agencies_by_id(session, [m.agency_id for m in members] + [case.lead_agency_id])
    requests = {
        r.id: r
        for r in session.scalars(
            select(AssistanceRequest).where(
                AssistanceRequest.id.in_([m.request_id for m in members if m.request_id])
            )
        )
    }
    lead = agencies[case.lead_agency_id]
    member_rows = [
        MemberRow(
            agency=agencies[m.agency_id],
            role=m.role,
            joined_at=m.joined_at,
            request=requests.get(m.request_id) if m.request_id else None,
            no_request=(
                None
                if m.role == LEAD or m.request_id
                else _why_no_request(session, lead, agencies[m.agency_id])
            ),
        )
        for m in members
    ]
    rows = list(
        session.scalars(select(JointCaseRecord).where(JointCaseRecord.joint_case_id == case.id))
    )
    records = {
        r.id: r
        for r in session.scalars(
            select(SharedRecord).where(SharedRecord.id.in_([r.record_id for r in rows]))
        )
    }
    owners = access.agency_refs(session, [r.owner_agency_id for r in rows])
    day = access.today()
    shown: list[SharedRecord] = []
    modes: dict[uuid.UUID, str | None] = {}
    record_rows: list[RecordRow] = []
    for row in rows:
        record = records[row.record_id]
        view = None
        if access.is_live(record, day):
            view = record_for(session, actor, row, record)
            shown.append(record)
            modes[record.id] = view.mode
        record_rows.append(
            RecordRow(
                record_id=row.record_id,
                owner=owners[row.owner_agency_id],
                schema=record.schema,
                release=row.release,
                view=view,
                decided_by=row.decided_by,
                decided_at=row.decided_at,
                reason=row.reason,
                handling_code=record.handling_code,
                handling_text=record.handling_text,
            )
        )
    record_rows.sort(key=lambda r: (r.owner.code, not r.is_case, r.schema, str(r.record_id)))
    audit.record(
        session,
        actor,
        action="joint_case.read",
        object_type=OBJECT_TYPE,
        object_id=case.id,
        purpose=purpose_of(case),
        case_ref=case.reference,
        subjects=access.record_subjects(shown),
        detail={
            "reference": case.reference,
            "full": [str(r.id) for r in shown if modes.get(r.id) == FULL],
            "hit": [str(r.id) for r in shown if modes.get(r.id) == HIT],
        },
    )
    access.note_holders(session, actor, [r for r in shown if modes.get(r.id) == FULL])
    messages = list(
        session.scalars(
            select(JointCaseMessage)
            .where(JointCaseMessage.joint_case_id == case.id)
            .order_by(JointCaseMessage.created_at, JointCaseMessage.id)
        )
    )
    series = session.get(Series, case.series_id) if case.series_id else None
    decide_for = [
        (agency, [r for r in record_rows if r.owner.id == agency.id])
        for agency in release_agencies(session, actor, case)
    ]
    return JointCaseRead(
        case=case,
        series_key=series.key if series else None,
        lead=lead,
        members=member_rows,
        records=record_rows,
        messages=messages,
        readers=readers,
        decide_for=decide_for,
        may_lead=_may_lead(session, actor, case),
    )


def _may_lead(session: Session, actor: Actor, case: JointCase) -> bool:
    if case.status != OPEN or not policy.allows(actor, "joint.open"):
        return False
    scope = policy.agencies_in_scope(session, actor, "joint.open")
    return policy.in_scope(scope, case.lead_agency_id)


def _why_no_request(session: Session, lead: Agency, member: Agency) -> str | None:
    """Why the lead may not address `member` (None when it may)."""
    try:
        addressing.path_to(session, lead, member)
    except addressing.AddresseeNotAllowed as exc:
        return exc.detail
    return None


# --- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MineRow:
    case: JointCase
    lead: Agency
    role: str  # the reader's agency's role: lead | member
    members: int


@dataclass(frozen=True)
class WaitingRow:
    case: JointCase
    owner: Agency
    pending: int


@dataclass(frozen=True)
class JointCaseList:
    mine: list[MineRow]
    waiting: list[WaitingRow]


def _read_scope(session: Session, actor: Actor) -> set[uuid.UUID] | None:
    scope: set[uuid.UUID] = set()
    for permission in READ_PERMISSIONS:
        found = policy.agencies_in_scope(session, actor, permission)
        if found is policy.ALL:
            return policy.ALL
        scope |= found
    return scope


def list_joint_cases(session: Session, actor: Actor) -> JointCaseList:
    """The joint cases where the reader's agency is lead or member, newest first, and the
    consent requests waiting for an agency the reader decides for. No personal data."""
    scope = _read_scope(session, actor)
    members = select(JointCaseMember)
    if scope is not policy.ALL:
        members = members.where(JointCaseMember.agency_id.in_(scope or {uuid.UUID(int=0)}))
    roles: dict[uuid.UUID, str] = {}
    for m in session.scalars(members):
        if roles.get(m.joint_case_id) != LEAD:
            roles[m.joint_case_id] = m.role
    cases = list(
        session.scalars(
            select(JointCase)
            .where(JointCase.id.in_(roles))
            .order_by(JointCase.created_at.desc(), JointCase.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    counts = {
        row[0]: int(row[1])
        for row in session.execute(
            select(JointCaseMember.joint_case_id, func.count())
            .where(JointCaseMember.joint_case_id.in_([c.id for c in cases]))
            .group_by(JointCaseMember.joint_case_id)
        )
    }
    waiting_rows: list[Any] = []
    if policy.allows(actor, "joint.release"):
        release_scope = policy.agencies_in_scope(session, actor, "joint.release")
        stmt = select(
            JointCaseRecord.joint_case_id, JointCaseRecord.owner_agency_id, func.count()
        ).where(JointCaseRecord.release == PENDING)
        if release_scope is not policy.ALL:
            stmt = stmt.where(
                JointCaseRecord.owner_agency_id.in_(release_scope or {uuid.UUID(int=0)})
            )
        waiting_rows = list(
            session.execute(
                stmt.group_by(JointCaseRecord.joint_case_id, JointCaseRecord.owner_agency_id)
            ).all()
        )
    waiting_cases = {
        c.id: c
        for c in session.scalars(
            select(JointCase).where(
                JointCase.id.in_({row[0] for row in waiting_rows}), JointCase.status == OPEN
            )
        )
    }
    agencies = agencies_by_id(
        session, [c.lead_agency_id for c in cases] + [row[1] for row in waiting_rows]
    )
    mine = [MineRow(c, agencies[c.lead_agency_id], roles[c.id], counts.get(c.id, 0)) for c in cases]
    waiting = sorted(
        (
            WaitingRow(waiting_cases[row[0]], agencies[row[1]], int(row[2]))
            for row in waiting_rows
            if row[0] in waiting_cases
        ),
        key=lambda w: (w.case.created_at, w.owner.code),
        reverse=True,
    )
    return JointCaseList(mine=mine, waiting=waiting)
