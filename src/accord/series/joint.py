"""Joint cases: a discovered series turned, in one click, into a case with a lead agency and
member agencies, the series' cases and their suspects attached, a thread, and an assistance
request drafted to each member.

The consent gate. Another agency's record reaches the members only once its owner agrees:
opening a case puts a consent request in each owner's inbox, and the owner's liaison or
commander (`joint.release`) grants or refuses the release, record by record or all at once.
Until then a member sees the record as the zones' rules show it to its agency, and never more
than "match at agency X" when the record is handled H2 or H3 (not to be passed on without the
owner's permission; another restriction in the owner's words) or when the owner refused. A
granted record is shown to the members in full, under the stricter of its own and the rule's
handling code. The lead's own records are released by opening the case (`own`), except those
handled H2 or H3, which wait for the lead's own liaison like anyone else's.

Every read of a joint case shows personal data and is audited with the purpose "joint case
<reference>" and the records' subjects; an agency that saw another's record in full becomes a
holder of it (told of the owner's later changes and withdrawal). Notices (inbox, live, e-mail,
webhooks) cite references only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.assistance import addressing
from accord.assistance import service as assistance_service
from accord.assistance.models import AssistanceRequest
from accord.assistance.schemas import SUBJECTS_MAX, RequestIn
from accord.audit import service as audit
from accord.core import clock, refs
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.handling import N_
from accord.core.ids import uuid7
from accord.notify import service as notify
from accord.records import access
from accord.records.access import FULL, HIT, RecordView, record_view
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.series.models import (
    JointCase,
    JointCaseMember,
    JointCaseMessage,
    JointCaseRecord,
    Series,
    SeriesCase,
)

OBJECT_TYPE = "joint_case"
OPEN = "open"
LEAD, MEMBER = "lead", "member"
OWN, PENDING, GRANTED, REFUSED = "own", "pending", "granted", "refused"
RELEASED = frozenset({OWN, GRANTED})
# Handling codes whose records never reach the members without the owner's explicit grant.
NEEDS_GRANT = frozenset({"H2", "H3"})
# The request drafted to each member: gather and share what it holds on its linked cases.
REQUEST_TYPE = "collect_evidence"
# Who may read a joint case: the users of a member agency holding one of these.
READ_PERMISSIONS = ("series.read", "assist.read")
# Whom a member agency's notices reach there.
MEMBER_ROLES = (Role.LIAISON, Role.COMMANDER, Role.INVESTIGATOR, Role.ANALYST)
RELEASE_ROLES = (Role.LIAISON, Role.COMMANDER)
TITLE_MAX = 300
REASON_MAX = 300
MESSAGE_MAX = 20_000
LIST_LIMIT = 200

RELEASE_LABELS = {
    OWN: N_("Released by the lead"),
    PENDING: N_("Waiting for the owner's consent"),
    GRANTED: N_("Released by the owner"),
    REFUSED: N_("Refused by the owner"),
}
ROLE_LABELS = {LEAD: N_("Lead agency"), MEMBER: N_("Member")}

# The owner's consent releases a record to the members whatever the zones' rules show them;
# its full view is made as the platform sees it, then given the reader's handling code.
_RELEASE = Actor.system("joint-case release")


class JointCaseNotFound(NotFound):
    code = "joint_case_not_found"
    title = "Joint case not found"


class SeriesNotFound(NotFound):
    code = "series_not_found"
    title = "Series not found"


class JointCaseExists(Conflict):
    """The series already has an open joint case (`reference` names it)."""

    code = "joint_case_exists"
    title = "The series already has an open joint case"


class InvalidJointCase(InvalidInput):
    code = "invalid_joint_case"
    title = "Invalid joint case"


def purpose_of(case: JointCase) -> str:
    """The purpose every read and change of the case is audited with."""
    return f"joint case {case.reference}"


def link_of(case: JointCase) -> str:
    return f"/joint-cases/{case.reference}"


# --- finding ---------------------------------------------------------------------------------


def get_joint_case(session: Session, key: str) -> JointCase:
    """A joint case by its id or its reference number (any spelling)."""
    found = refs.find(session, JointCase, key)
    if found is None:
        raise JointCaseNotFound(f"no joint case {key!r}", field="joint_case")
    return found


def get_series(session: Session, key: str, *, lock: bool = False) -> Series:
    """A series by its key; with `lock`, its row is locked until the transaction ends (two
    clicks at once on PostgreSQL: the second waits, then finds the first one's case)."""
    wanted = key.strip()
    stmt = select(Series).where(Series.key.in_({wanted, wanted.upper()}))
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalars(stmt).first()
    if found is None:
        raise SeriesNotFound(f"no series {key!r}", field="series")
    return found


def open_case_of(session: Session, series_id: uuid.UUID) -> JointCase | None:
    """The series' open joint case, if it has one (the series page links it)."""
    return session.scalars(
        select(JointCase)
        .where(JointCase.series_id == series_id, JointCase.status == OPEN)
        .order_by(JointCase.created_at)
    ).first()


def members_of(session: Session, case: JointCase) -> list[JointCaseMember]:
    """The lead first, then the members by agency code."""
    rows = list(
        session.scalars(select(JointCaseMember).where(JointCaseMember.joint_case_id == case.id))
    )
    codes = _codes(session, [m.agency_id for m in rows])
    return sorted(rows, key=lambda m: (m.role != LEAD, codes.get(m.agency_id, "")))


def _codes(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(wanted)))
    return {row.id: row.code for row in rows}


def _agencies(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Agency]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(wanted)))}


def _agency(session: Session, code: str, field: str) -> Agency:
    found = agencies_service.find_by_code(session, code) if code.strip() else None
    if found is None:
        raise InvalidJointCase(f"no agency has the code {code!r}", field=field)
    return found


# --- who may do what -------------------------------------------------------------------------


def reader_agencies(session: Session, actor: Actor, case: JointCase) -> set[uuid.UUID]:
    """The case's member agencies (the lead included) the actor reads it for: those where they
    hold `series.read` or `assist.read` (directly or through a grant over subordinates)."""
    members = {m.agency_id for m in members_of(session, case)}
    if actor.is_system:
        return members
    covered: set[uuid.UUID] = set()
    for permission in READ_PERMISSIONS:
        scope = policy.agencies_in_scope(session, actor, permission)
        if scope is policy.ALL:
            return members
        covered |= members & scope
    return covered


def require_reader(session: Session, actor: Actor, case: JointCase) -> set[uuid.UUID]:
    """The member agencies the actor reads for; anyone else is told there is no such case
    (404: a joint case's existence is itself information)."""
    found = reader_agencies(session, actor, case)
    if not found:
        raise JointCaseNotFound(f"no joint case {case.reference!r}", field="joint_case")
    return found


def release_agencies(session: Session, actor: Actor, case: JointCase) -> list[Agency]:
    """The owners of the case's records for which the actor may grant or refuse the release."""
    if not policy.allows(actor, "joint.release"):
        return []
    scope = policy.agencies_in_scope(session, actor, "joint.release")
    owners = set(
        session.scalars(
            select(JointCaseRecord.owner_agency_id)
            .where(JointCaseRecord.joint_case_id == case.id)
            .distinct()
        )
    )
    mine = {o for o in owners if policy.in_scope(scope, o)}
    return sorted(_agencies(session, mine).values(), key=lambda a: a.code)


# --- opening ---------------------------------------------------------------------------------


def _series_cases(session: Session, series: Series) -> list[SharedRecord]:
    """The series' cases that are still shared, oldest agency code first."""
    rows = session.scalars(
        select(SharedRecord)
        .join(SeriesCase, SeriesCase.record_id == SharedRecord.id)
        .where(SeriesCase.series_id == series.id)
        .order_by(SharedRecord.agency_id, SharedRecord.entity_id)
    )
    day = access.today()
    return [r for r in rows if access.is_live(r, day)]


def case_subjects(
    session: Session, cases: Sequence[SharedRecord]
) -> dict[uuid.UUID, list[SharedRecord]]:
    """Each case's suspects, by case id: its `organizer` persons, or, where the owner did not
    say who the suspects are, everybody it `involved` (the records-exchange convention)."""
    wanted: dict[uuid.UUID, set[str]] = {}
    for case in cases:
        wanted.setdefault(case.agency_id, set()).update(_suspect_ids(case))
    persons: dict[tuple[uuid.UUID, str], SharedRecord] = {}
    day = access.today()
    for agency_id, entity_ids in wanted.items():
        if not entity_ids:
            continue
        for r in session.scalars(
            select(SharedRecord).where(
                SharedRecord.agency_id == agency_id,
                SharedRecord.schema == "Person",
                SharedRecord.entity_id.in_(sorted(entity_ids)),
            )
        ):
            if access.is_live(r, day):
                persons[(agency_id, r.entity_id)] = r
    return {
        case.id: [
            persons[(case.agency_id, i)]
            for i in _suspect_ids(case)
            if (case.agency_id, i) in persons
        ]
        for case in cases
    }


def _suspect_ids(case: SharedRecord) -> list[str]:
    return case.properties.get("organizer") or case.properties.get("involved") or []


def _lead(session: Session, actor: Actor, code: str | None) -> Agency:
    if code:
        lead = _agency(session, code, "lead_agency")
    elif actor.agency_id is not None:
        found = session.get(Agency, actor.agency_id)
        assert found is not None
        lead = found
    else:
        raise InvalidJointCase("name the lead agency", field="lead_agency")
    policy.require_agency(session, actor, "joint.open", lead.id)
    return lead


def _members(
    session: Session, lead: Agency, codes: Sequence[str] | None, case_agencies: set[uuid.UUID]
) -> list[Agency]:
    if codes is None:
        found = list(_agencies(session, case_agencies - {lead.id}).values())
    else:
        found = [_agency(session, c, "members") for c in codes]
        found = list({a.id: a for a in found if a.id != lead.id}.values())
    if not found:
        raise InvalidJointCase(
            "a joint case has at least one member agency besides the lead", field="members"
        )
    return sorted(found, key=lambda a: a.code)


def initial_release(record: SharedRecord, lead: Agency) -> str:
    """`own` for the lead's records it may pass on itself; `pending` for everything else."""
    if record.agency_id == lead.id and record.handling_code not in NEEDS_GRANT:
        return OWN
    return PENDING


def open_joint_case(
    session: Session,
    actor: Actor,
    *,
    series_key: str,
    title: str,
    lead_agency: str | None = None,
    members: Sequence[str] | None = None,
) -> JointCase:
    """Open a joint case on a series, led by `lead_agency` (the actor's own by default) with
    `members` (by default every other agency with a case in the series): the series' cases and
    their suspects attached (the lead's own released, the others waiting for their owners'
    consent), the thread opened, an assistance request drafted to each member the lead may
    address, the members told and each owner asked for its consent.

    Refused: a series that already has an open joint case (409, naming it), a lead with no
    case in the series (403), an empty title or no member (422).
    """
    policy.require(actor, "joint.open")
    title = " ".join(title.split())[:TITLE_MAX]
    if not title:
        raise InvalidJointCase("a joint case has a title", field="title")
    series = get_series(session, series_key, lock=True)
    lead = _lead(session, actor, lead_agency)
    cases = _series_cases(session, series)
    case_agencies = {c.agency_id for c in cases}
    if not case_agencies & agencies_service.subtree_ids(session, lead.id):
        raise policy.PermissionDenied(
            f"{lead.code} has no case in series {series.key}: a joint case is led by an agency "
            "with a stake in it",
            actor=actor,
            permission="joint.open",
        )
    existing = open_case_of(session, series.id)
    if existing is not None:
        raise JointCaseExists(
            f"series {series.key} already has the open joint case {existing.reference}",
            field="series",
            reference=existing.reference,
        )
    if series.status != "active":
        raise InvalidJointCase(f"series {series.key} is {series.status}", field="series")
    member_agencies = _members(session, lead, members, case_agencies)
    now = clock.now()
    case_id = uuid7()
    reference = refs.allocate(
        session,
        agency_id=lead.id,
        prefix=reference_prefix(lead),
        kind=OBJECT_TYPE,
        object_id=case_id,
        # The index title shows in searches and "my work": references only.
        title=f"联合案件 · Joint case on series {series.key}",
        at=now,
    )
    case = JointCase(
        id=case_id,
        reference=reference,
        title=title,
        status=OPEN,
        series_id=series.id,
        lead_agency_id=lead.id,
        created_by=actor.username[:80],
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    session.add(case)
    session.flush()
    rows = [JointCaseMember(joint_case_id=case.id, agency_id=lead.id, role=LEAD, joined_at=now)]
    rows += [
        JointCaseMember(joint_case_id=case.id, agency_id=a.id, role=MEMBER, joined_at=now)
        for a in member_agencies
    ]
    session.add_all(rows)
    taking_part = {lead.id} | {a.id for a in member_agencies}
    attached = _attach(session, case, lead, [c for c in cases if c.agency_id in taking_part])
    session.add(
        JointCaseMessage(
            id=uuid7(),
            joint_case_id=case.id,
            author=actor.username[:80],
            author_user_id=actor.user_id,
            agency_id=lead.id,
            body=f"联合案件已立案（串案 {series.key}）· Joint case opened on series {series.key}.",
            created_at=now,
        )
    )
    session.flush()
    requests = _draft_requests(session, actor, case, series, lead, rows[1:], attached)
    audit.record(
        session,
        actor,
        action="joint_case.opened",
        object_type=OBJECT_TYPE,
        object_id=case.id,
        purpose=purpose_of(case),
        case_ref=reference,
        subjects=access.record_subjects(attached),
        detail={
            "reference": reference,
            "series": series.key,
            "lead": lead.code,
            "members": [a.code for a in member_agencies],
            "requests": requests,
            "records": len(attached),
        },
    )
    _tell_members(session, case, [a.id for a in member_agencies])
    _ask_consent(session, case)
    return case


def reference_prefix(lead: Agency) -> str:
    """`JC` before the lead's own prefix (`JCSH-2026-000012`), so a joint case's number is
    told from a request's at a glance; the agency's prefix alone where that would not fit the
    12 characters a reference prefix may have."""
    joined = "JC" + lead.prefix
    return joined if len(joined) <= 12 else lead.prefix


def _attach(
    session: Session, case: JointCase, lead: Agency, cases: Sequence[SharedRecord]
) -> list[SharedRecord]:
    subjects = case_subjects(session, cases)
    attached: dict[uuid.UUID, SharedRecord] = {}
    for c in cases:
        attached.setdefault(c.id, c)
        for person in subjects.get(c.id, []):
            attached.setdefault(person.id, person)
    session.add_all(
        JointCaseRecord(
            joint_case_id=case.id,
            record_id=r.id,
            owner_agency_id=r.agency_id,
            release=initial_release(r, lead),
        )
        for r in attached.values()
    )
    return list(attached.values())


def _request_subjects(
    session: Session,
    actor: Actor,
    lead: Agency,
    member: uuid.UUID,
    records: Sequence[SharedRecord],
) -> list[dict[str, str]]:
    """The persons a request to `member` names: the lead's own suspects it may pass on, and
    the member's own suspects as the opener sees them in full (never a third agency's: that
    would pass its data on without its consent)."""
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    persons = [r for r in records if r.schema == "Person"]
    modes = access.view_modes(session, actor, persons)
    for r in persons:
        lead_may = r.agency_id == lead.id and r.handling_code not in NEEDS_GRANT
        theirs = r.agency_id == member and modes.get(r.id) == FULL
        if not (lead_may or theirs):
            continue
        value = next(
            iter(r.properties.get("idNumber") or r.properties.get("passportNumber") or []), ""
        )
        name = next(iter(r.properties.get("name") or []), "")
        key = (value, name)
        if (not value and not name) or key in seen:
            continue
        seen.add(key)
        out.append({"kind": "person", "value": value[:100], "name": name[:200]})
    return out[:SUBJECTS_MAX]


def _draft_requests(
    session: Session,
    actor: Actor,
    case: JointCase,
    series: Series,
    lead: Agency,
    members: Sequence[JointCaseMember],
    records: Sequence[SharedRecord],
) -> dict[str, str | None]:
    """A draft assistance request from the lead to each member it may address (the lead sends
    it when ready); a member it may not address gets none, and the case page says why."""
    made: dict[str, str | None] = {}
    agencies = _agencies(session, [m.agency_id for m in members])
    for member in members:
        agency = agencies[member.agency_id]
        try:
            addressing.path_to(session, lead, agency)
        except addressing.AddresseeNotAllowed:
            made[agency.code] = None
            continue
        theirs = [str(r.id) for r in records if r.agency_id == agency.id and r.schema == "Event"]
        description = (
            f"联合案件 {case.reference}（串案 {series.key}）。Joint case {case.reference} on "
            f"series {series.key}: please collect and share what your agency holds on its "
            f"linked cases. Shared record(s): {', '.join(theirs) or '-'}. "
            f"The case: {link_of(case)}"
        )
        data = RequestIn.model_validate(
            {
                "request_type": REQUEST_TYPE,
                "addressee": agency.code,
                "requesting_agency": lead.code,
                "title": f"联合案件 {case.reference} · Joint case: {case.title}"[:TITLE_MAX],
                "description": description,
                "case_reference": case.reference,
                "subjects": _request_subjects(session, actor, lead, agency.id, records),
                "handling_code": case.handling_code,
                "draft": True,
            }
        )
        request = assistance_service.create_request(session, actor, data)
        member.request_id = request.id
        made[agency.code] = request.reference
    session.flush()
    return made


# --- notices ---------------------------------------------------------------------------------


def _tell(
    session: Session,
    case: JointCase,
    event: str,
    what: str,
    *,
    agencies: Iterable[uuid.UUID],
    roles: Sequence[Role] = MEMBER_ROLES,
    live_only: bool = False,
    dedupe: str | None = None,
) -> None:
    targets = sorted(set(agencies))
    if not targets:
        return
    notify.enqueue(
        session,
        event=event,
        # References only: the title leaves by e-mail and webhook.
        title=f"联合案件 · Joint case {case.reference}: {what}",
        reference=case.reference,
        link=link_of(case),
        to_agencies=targets,
        to_roles=list(roles),
        channels=["inbox", "live"] if live_only else notify.CHANNELS,
        dedupe_key=f"{OBJECT_TYPE}:{case.id}:{event}:{dedupe}" if dedupe else None,
        data={"joint_case_id": str(case.id)},
        handling_code=case.handling_code,
    )


def _tell_members(session: Session, case: JointCase, agencies: Sequence[uuid.UUID]) -> None:
    """The member agencies hear that the case was opened with them in it."""
    _tell(
        session,
        case,
        "joint_case.member",
        "your agency is a member",
        agencies=agencies,
        dedupe="opened",
    )


def _ask_consent(session: Session, case: JointCase) -> None:
    """Each owner of records waiting for its consent: a request in its liaisons' inboxes."""
    owners = session.execute(
        select(JointCaseRecord.owner_agency_id, func.count())
        .where(JointCaseRecord.joint_case_id == case.id, JointCaseRecord.release == PENDING)
        .group_by(JointCaseRecord.owner_agency_id)
    ).all()
    for owner_id, count in owners:
        _tell(
            session,
            case,
            "joint_case.consent_requested",
            f"release of {count} record(s) of your agency requested",
            agencies=[owner_id],
            roles=RELEASE_ROLES,
            dedupe=f"consent:{owner_id}",
        )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    agency: Agency
    role: str
    joined_at: datetime
    request: AssistanceRequest | None
    no_request: str | None  # why the lead could not address it (None: it has a request)


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
        return record_view(session, _RELEASE, record, HIT)
    seen = access.viewer(session, actor).access(record.agency_id, record.schema)
    if seen.mode == FULL and seen.rule_code is None:
        return record_view(session, actor, record, FULL)  # the reader's own agency's record
    if row.release in RELEASED:
        view = record_view(session, _RELEASE, record, FULL)
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
        return record_view(session, _RELEASE, record, HIT)
    return record_view(session, actor, record, HIT)


def read_joint_case(session: Session, actor: Actor, key: str) -> JointCaseRead:
    """A joint case as a member's user sees it (404 to anyone else), audited with the purpose
    "joint case <reference>" and the subjects of every record shown."""
    case = get_joint_case(session, key)
    readers = require_reader(session, actor, case)
    members = members_of(session, case)
    agencies = _agencies(session, [m.agency_id for m in members] + [case.lead_agency_id])
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
    )


def _why_no_request(session: Session, lead: Agency, member: Agency) -> str:
    try:
        addressing.path_to(session, lead, member)
    except addressing.AddresseeNotAllowed as exc:
        return exc.detail
    return "no request was drafted when the case was opened"


# --- the owner's consent ---------------------------------------------------------------------


def owner_for(session: Session, actor: Actor, code: str | None) -> Agency:
    """The owner a decision is for: the named agency, or the actor's own."""
    if code:
        return _agency(session, code, "agency")
    found = session.get(Agency, actor.agency_id) if actor.agency_id else None
    if found is None:
        raise InvalidJointCase("name the agency whose records you decide on", field="agency")
    return found


def decide_release(
    session: Session,
    actor: Actor,
    *,
    joint_case: JointCase,
    agency: Agency,
    grant: bool,
    reason: str = "",
    records: Sequence[uuid.UUID] | None = None,
) -> list[JointCaseRecord]:
    """The owner's decision on releasing its records to the members: the named `records`, or
    all still waiting. Only the owner's liaison or commander decides (403 for anyone else,
    another member's included); a refusal states its reason."""
    policy.require(actor, "joint.release")
    policy.require_agency(session, actor, "joint.release", agency.id)
    if joint_case.status != OPEN:
        raise InvalidJointCase(f"joint case {joint_case.reference} is closed", field="joint_case")
    reason = " ".join(reason.split())[:REASON_MAX]
    if not grant and not reason:
        raise InvalidJointCase("a refusal states its reason", field="reason")
    rows = list(
        session.scalars(
            select(JointCaseRecord).where(
                JointCaseRecord.joint_case_id == joint_case.id,
                JointCaseRecord.owner_agency_id == agency.id,
            )
        )
    )
    if not rows:
        raise InvalidJointCase(
            f"{agency.code} has no record in joint case {joint_case.reference}", field="agency"
        )
    if records is None:
        chosen = [r for r in rows if r.release == PENDING]
        if not chosen:
            raise InvalidJointCase(
                f"no record of {agency.code} waits for a decision", field="records"
            )
    else:
        wanted = set(records)
        by_id = {r.record_id: r for r in rows}
        unknown = wanted - set(by_id)
        if unknown or not wanted:
            raise InvalidJointCase(
                f"name records of {agency.code} in joint case {joint_case.reference}",
                field="records",
            )
        chosen = [by_id[i] for i in sorted(wanted)]
    now = clock.now()
    decision = GRANTED if grant else REFUSED
    for row in chosen:
        row.release = decision
        row.decided_by = actor.username[:80]
        row.decided_at = now
        row.reason = reason or None
    session.flush()
    shared = [session.get(SharedRecord, r.record_id) for r in chosen]
    audit.record(
        session,
        actor,
        action=f"joint_case.release_{decision}",
        object_type=OBJECT_TYPE,
        object_id=joint_case.id,
        purpose=purpose_of(joint_case),
        case_ref=joint_case.reference,
        subjects=access.record_subjects(r for r in shared if r is not None),
        detail={
            "reference": joint_case.reference,
            "agency": agency.code,
            "records": [str(r.record_id) for r in chosen],
            "reason": reason,
        },
    )
    members = [m.agency_id for m in members_of(session, joint_case)]
    _tell(
        session,
        joint_case,
        f"joint_case.release_{decision}",
        f"{agency.code} {decision} the release of {len(chosen)} record(s)",
        agencies=members,
    )
    return chosen


# --- the thread ------------------------------------------------------------------------------


def post_message(
    session: Session, actor: Actor, *, joint_case: JointCase, body: str
) -> JointCaseMessage:
    """A message on the case's thread; the other member agencies are told (inbox and live)."""
    require_reader(session, actor, joint_case)
    text = body.strip()
    if not text:
        raise InvalidJointCase("a message has a text", field="body")
    if len(text) > MESSAGE_MAX:
        raise InvalidJointCase(f"a message is at most {MESSAGE_MAX} characters", field="body")
    if joint_case.status != OPEN:
        raise InvalidJointCase(f"joint case {joint_case.reference} is closed", field="joint_case")
    message = JointCaseMessage(
        id=uuid7(),
        joint_case_id=joint_case.id,
        author=actor.username[:80],
        author_user_id=actor.user_id,
        agency_id=actor.agency_id,
        body=text,
        created_at=clock.now(),
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        actor,
        action="joint_case.message_posted",
        object_type=OBJECT_TYPE,
        object_id=joint_case.id,
        purpose=purpose_of(joint_case),
        case_ref=joint_case.reference,
        detail={"reference": joint_case.reference, "message": str(message.id)},
    )
    others = [
        m.agency_id for m in members_of(session, joint_case) if m.agency_id != actor.agency_id
    ]
    _tell(
        session,
        joint_case,
        "joint_case.message",
        "new message",
        agencies=others,
        live_only=True,
        dedupe=f"message:{message.id}",
    )
    return message


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
    agencies = _agencies(
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
