"""Joint cases: a discovered series turned, in one click, into a case with a lead agency and
member agencies, the series' cases and their suspects attached, a thread, and an assistance
request drafted to each member. This module holds what the joint-case modules share: the
vocabulary, finding a case, who may read it or decide on its records, what a case attaches,
and the notices; `joint_lifecycle` opens, grows and closes cases, `joint_consent` records the
owners' decisions, `joint_thread` the messages and `joint_reading` the pages' reads.

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
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.core import clock, refs
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.handling import N_
from accord.core.ids import uuid7
from accord.notify import service as notify
from accord.records import access
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.series.models import (
    JointCase,
    JointCaseMember,
    JointCaseMessage,
    JointCaseRecord,
)

OBJECT_TYPE = "joint_case"
OPEN, CLOSED = "open", "closed"
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
OUTCOME_MAX = 4000
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
RELEASE_ACTOR = Actor.system("joint-case release")


class JointCaseNotFound(NotFound):
    code = "joint_case_not_found"
    title = "Joint case not found"


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


def agencies_by_id(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Agency]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(wanted)))}


def agency_by_code(session: Session, code: str, field: str) -> Agency:
    found = agencies_service.find_by_code(session, code) if code.strip() else None
    if found is None:
        raise InvalidJointCase(f"no agency has the code {code!r}", field=field)
    return found


def named_or_own(
    session: Session, actor: Actor, code: str | None, *, field: str, missing: str
) -> Agency:
    """The agency `code` names, else the actor's own; `missing` says what to name when the
    actor has no agency (the installation acting)."""
    if code:
        return agency_by_code(session, code, field)
    found = session.get(Agency, actor.agency_id) if actor.agency_id else None
    if found is None:
        raise InvalidJointCase(missing, field=field)
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
    return sorted(agencies_by_id(session, mine).values(), key=lambda a: a.code)


# --- the thread ------------------------------------------------------------------------------


def add_message(
    session: Session,
    case: JointCase,
    actor: Actor,
    body: str,
    *,
    agency_id: uuid.UUID | None,
    at: datetime | None = None,
) -> JointCaseMessage:
    """A message on the case's thread, written by `actor` for `agency_id` (None: the platform's
    own note, such as a growth of the series)."""
    message = JointCaseMessage(
        id=uuid7(),
        joint_case_id=case.id,
        author=actor.username[:80],
        author_user_id=actor.user_id,
        agency_id=agency_id,
        body=body,
        created_at=at or clock.now(),
    )
    session.add(message)
    return message


# --- what a case attaches ---


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


def initial_release(record: SharedRecord, lead: Agency) -> str:
    """`own` for the lead's records it may pass on itself; `pending` for everything else."""
    if record.agency_id == lead.id and record.handling_code not in NEEDS_GRANT:
        return OWN
    return PENDING


# --- notices ---------------------------------------------------------------------------------


def tell(
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


def tell_members(
    session: Session, case: JointCase, agencies: Sequence[uuid.UUID], *, occasion: str = "opened"
) -> None:
    """The member agencies hear that they are in the case (when it opens, or when they join)."""
    tell(
        session,
        case,
        "joint_case.member",
        "your agency is a member",
        agencies=agencies,
        dedupe=occasion,
    )


def ask_consent(
    session: Session,
    case: JointCase,
    *,
    occasion: str = "opened",
    owners: Collection[uuid.UUID] | None = None,
) -> None:
    """Each owner of records waiting for its consent (of `owners` only, when given): a request
    in its liaisons' inboxes, once per `occasion` (the opening, each growth of the case)."""
    stmt = select(JointCaseRecord.owner_agency_id, func.count()).where(
        JointCaseRecord.joint_case_id == case.id, JointCaseRecord.release == PENDING
    )
    if owners is not None:
        stmt = stmt.where(JointCaseRecord.owner_agency_id.in_(sorted(owners) or [uuid.UUID(int=0)]))
    for owner_id, count in session.execute(stmt.group_by(JointCaseRecord.owner_agency_id)).all():
        tell(
            session,
            case,
            "joint_case.consent_requested",
            f"release of {count} record(s) of your agency requested",
            agencies=[owner_id],
            roles=RELEASE_ROLES,
            dedupe=f"consent:{owner_id}:{occasion}",
        )
