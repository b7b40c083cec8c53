"""A joint case's life: opened on a series in one click, grown when discovery adds cases to
the series, and closed by its lead with an outcome."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

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
    LEAD,
    MEMBER,
    NEEDS_GRANT,
    OBJECT_TYPE,
    OPEN,
    REQUEST_TYPE,
    TITLE_MAX,
    InvalidJointCase,
    JointCaseExists,
    agencies_by_id,
    agency_by_code,
    ask_consent,
    case_subjects,
    initial_release,
    link_of,
    open_case_of,
    purpose_of,
    tell_members,
)
from accord.series.models import (
    JointCase,
    JointCaseMember,
    JointCaseMessage,
    JointCaseRecord,
    Series,
)

# --- opening ---------------------------------------------------------------------------------


def _lead(session: Session, actor: Actor, code: str | None) -> Agency:
    if code:
        lead = agency_by_code(session, code, "lead_agency")
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
