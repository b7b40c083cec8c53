"""A joint case's life: opened on a series in one click, grown when discovery adds cases to
the series, and closed by its lead with an outcome."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.assistance import addressing
from accord.assistance import service as assistance_service
from accord.assistance.schemas import SUBJECTS_MAX, RequestIn
from accord.audit import service as audit
from accord.core import clock, refs
from accord.core.ids import uuid7
from accord.records import access
from accord.records.access import FULL
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor
from accord.series import reading
from accord.series.joint import (
    CLOSED,
    LEAD,
    MEMBER,
    NEEDS_GRANT,
    OBJECT_TYPE,
    OPEN,
    OUTCOME_MAX,
    PENDING,
    REQUEST_TYPE,
    TITLE_MAX,
    InvalidJointCase,
    JointCaseExists,
    add_message,
    agencies_by_id,
    agency_by_code,
    ask_consent,
    case_subjects,
    initial_release,
    link_of,
    members_of,
    named_or_own,
    open_case_of,
    purpose_of,
    require_reader,
    tell,
    tell_members,
)
from accord.series.models import (
    JointCase,
    JointCaseMember,
    JointCaseRecord,
    Series,
    SeriesCase,
)

# --- opening ---------------------------------------------------------------------------------


def _lead(session: Session, actor: Actor, code: str | None) -> Agency:
    lead = named_or_own(session, actor, code, field="lead_agency", missing="name the lead agency")
    policy.require_agency(session, actor, "joint.open", lead.id)
    return lead


def _members(
    session: Session, lead: Agency, codes: Sequence[str] | None, case_agencies: set[uuid.UUID]
) -> list[Agency]:
    if codes is None:
        found = list(agencies_by_id(session, case_agencies - {lead.id}).values())
    else:
        found = [agency_by_code(session, c, "members") for c in codes]
        found = list({a.id: a for a in found if a.id != lead.id}.values())
    if not found:
        raise InvalidJointCase(
            "a joint case has at least one member agency besides the lead", field="members"
        )
    return sorted(found, key=lambda a: a.code)


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
    series = reading.get_series(session, series_key, lock=True)
    lead = _lead(session, actor, lead_agency)
    cases = reading.live_cases(session, series)
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
    add_message(
        session,
        case,
        actor,
        f"联合案件已立案（串案 {series.key}）· Joint case opened on series {series.key}.",
        agency_id=lead.id,
        at=now,
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
    tell_members(session, case, [a.id for a in member_agencies])
    ask_consent(session, case)
    return case


def reference_prefix(lead: Agency) -> str:
    """`JC` before the lead's own prefix (`JCSH-2026-000012`), so a joint case's number is
    told from a request's at a glance; the agency's prefix alone where that would not fit the
    12 characters a reference prefix may have."""
    joined = "JC" + lead.prefix
    return joined if len(joined) <= 12 else lead.prefix


def _attach(
    session: Session,
    case: JointCase,
    lead: Agency,
    cases: Sequence[SharedRecord],
    *,
    already: Collection[uuid.UUID] = (),
) -> list[SharedRecord]:
    """Attach `cases` and their suspects (but none of the records `already` attached)."""
    subjects = case_subjects(session, cases)
    attached: dict[uuid.UUID, SharedRecord] = {}
    for c in cases:
        attached.setdefault(c.id, c)
        for person in subjects.get(c.id, []):
            attached.setdefault(person.id, person)
    for record_id in already:
        attached.pop(record_id, None)
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
    agencies = agencies_by_id(session, [m.agency_id for m in members])
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


# --- growing with the series -----------------------------------------------------------------


def grow(session: Session, actor: Actor, *, series_ids: Collection[uuid.UUID]) -> list[JointCase]:
    """The open joint cases on `series_ids` take in the cases discovery added to their series:
    each new case and its suspects attached under the same consent gate as at the opening, the
    agencies of new cases joining as members (not an agency the lead left out when opening), a
    note on the thread, the members told and the owners asked for their consent. Called by
    discovery after it stored the series."""
    if not series_ids:
        return []
    found = list(
        session.scalars(
            select(JointCase)
            .where(JointCase.series_id.in_(sorted(series_ids)), JointCase.status == OPEN)
            .order_by(JointCase.created_at)
        )
    )
    return [case for case in found if _grow(session, actor, case)]


def _grow(session: Session, actor: Actor, case: JointCase) -> bool:
    series = session.get(Series, case.series_id) if case.series_id else None
    lead = session.get(Agency, case.lead_agency_id)
    if series is None or lead is None:
        return False
    attached = set(
        session.scalars(
            select(JointCaseRecord.record_id).where(JointCaseRecord.joint_case_id == case.id)
        )
    )
    members = {m.agency_id for m in members_of(session, case)}
    joined_series = dict(
        session.execute(
            select(SeriesCase.record_id, SeriesCase.joined_at).where(
                SeriesCase.series_id == series.id
            )
        ).all()
    )
    # Cases already in the series when the case opened were attached then, unless their agency
    # was left out of the members: the lead's choice stands, for that agency's later cases too.
    live = reading.live_cases(session, series)
    left_out = {c.agency_id for c in live if joined_series[c.id] <= case.created_at} - members
    new_cases = [
        c
        for c in live
        if c.id not in attached
        and joined_series[c.id] > case.created_at
        and c.agency_id not in left_out
    ]
    if not new_cases:
        return False
    joining = sorted({c.agency_id for c in new_cases} - members)
    now = clock.now()
    session.add_all(
        JointCaseMember(joint_case_id=case.id, agency_id=a, role=MEMBER, joined_at=now)
        for a in joining
    )
    added = _attach(session, case, lead, new_cases, already=attached)
    codes = [a.code for a in sorted(agencies_by_id(session, joining).values(), key=_code)]
    joined = f" 新成员 · New members: {', '.join(codes)}." if codes else ""
    add_message(
        session,
        case,
        actor,
        f"串案 {series.key} 新增 {len(new_cases)} 起关联案件 · Series {series.key} grew: "
        f"{len(new_cases)} linked case(s) attached.{joined}",
        agency_id=None,
        at=now,
    )
    session.flush()
    occasion = f"grown:{len(attached) + len(added)}"
    audit.record(
        session,
        actor,
        action="joint_case.grown",
        object_type=OBJECT_TYPE,
        object_id=case.id,
        purpose=purpose_of(case),
        case_ref=case.reference,
        subjects=access.record_subjects(added),
        detail={
            "reference": case.reference,
            "series": series.key,
            "cases": [str(c.id) for c in new_cases],
            "records": len(added),
            "joined": codes,
        },
    )
    tell(
        session,
        case,
        "joint_case.grown",
        f"{len(new_cases)} linked case(s) attached from series {series.key}",
        agencies=sorted(members),
        dedupe=occasion,
    )
    tell_members(session, case, joining, occasion=occasion)
    waiting = {r.agency_id for r in added if initial_release(r, lead) == PENDING}
    ask_consent(session, case, occasion=occasion, owners=waiting)
    return True


def _code(agency: Agency) -> str:
    return agency.code


# --- a request to a member that has none -----------------------------------------------------


def draft_member_request(
    session: Session, actor: Actor, *, joint_case: JointCase, agency: str
) -> str:
    """Draft the lead's assistance request to a member that has none (one that joined when the
    series grew); its reference. Only the lead's users who may open joint cases draft it."""
    _require_lead(session, actor, joint_case)
    target = agency_by_code(session, agency, "agency")
    member = next((m for m in members_of(session, joint_case) if m.agency_id == target.id), None)
    if member is None or member.role == LEAD:
        raise InvalidJointCase(
            f"{target.code} is not a member of joint case {joint_case.reference}", field="agency"
        )
    if member.request_id is not None:
        raise InvalidJointCase(
            f"{target.code} already has a request in joint case {joint_case.reference}",
            field="agency",
        )
    series = session.get(Series, joint_case.series_id) if joint_case.series_id else None
    lead = session.get(Agency, joint_case.lead_agency_id)
    assert lead is not None  # a foreign key
    if series is None:
        raise InvalidJointCase(f"joint case {joint_case.reference} has no series", field="agency")
    records = list(
        session.scalars(
            select(SharedRecord)
            .join(JointCaseRecord, JointCaseRecord.record_id == SharedRecord.id)
            .where(JointCaseRecord.joint_case_id == joint_case.id)
        )
    )
    made = _draft_requests(session, actor, joint_case, series, lead, [member], records)
    reference = made.get(target.code)
    if reference is None:
        raise InvalidJointCase(
            f"{lead.code} may not address a request to {target.code}", field="agency"
        )
    return reference


def _require_lead(session: Session, actor: Actor, joint_case: JointCase) -> None:
    """The actor acts for the lead of an open case (404 outside the members, 403 a member)."""
    require_reader(session, actor, joint_case)
    policy.require(actor, "joint.open")
    policy.require_agency(session, actor, "joint.open", joint_case.lead_agency_id)
    if joint_case.status != OPEN:
        raise InvalidJointCase(f"joint case {joint_case.reference} is closed", field="joint_case")


# --- closing ---------------------------------------------------------------------------------


def close_joint_case(
    session: Session, actor: Actor, *, joint_case: JointCase, outcome: str
) -> JointCase:
    """The lead closes the case with its outcome. The thread says so and takes no more
    messages, the owners' decisions end (records still waiting stay unreleased), the members
    are told; the case stays readable to them, and the series may get a new joint case."""
    _require_lead(session, actor, joint_case)
    text = " ".join(outcome.split())
    if not text:
        raise InvalidJointCase("a joint case is closed with its outcome", field="outcome")
    if len(text) > OUTCOME_MAX:
        raise InvalidJointCase(f"an outcome is at most {OUTCOME_MAX} characters", field="outcome")
    now = clock.now()
    joint_case.status = CLOSED
    joint_case.closed_at = now
    joint_case.closed_by = actor.username[:80]
    joint_case.outcome = text
    add_message(
        session,
        joint_case,
        actor,
        f"联合案件已结案 · Joint case closed: {text}",
        agency_id=actor.agency_id,
        at=now,
    )
    session.flush()
    audit.record(
        session,
        actor,
        action="joint_case.closed",
        object_type=OBJECT_TYPE,
        object_id=joint_case.id,
        purpose=purpose_of(joint_case),
        case_ref=joint_case.reference,
        detail={"reference": joint_case.reference, "outcome": text},
    )
    tell(
        session,
        joint_case,
        "joint_case.closed",
        "closed by the lead agency",
        agencies=[m.agency_id for m in members_of(session, joint_case)],
        dedupe="closed",
    )
    return joint_case
