"""Agreements: drafting, signing by each member's director, the status machine, amendments.

A version is a draft until the director of every member (on the day) has signed it; then it is
`signed` and frozen: any later change is a new version (`amend`). It comes into force on its
effective date (the job `bring_into_force_due`, or at once when signed on or after that date),
and the previous version in force is superseded at that moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from accord.agencies import service as agencies_service
from accord.audit import service as audit
from accord.core import clock, refs
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.workflow import StaleState, transition
from accord.notify import service as notify_service
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.agreements.models import (
    Agreement,
    AgreementSignature,
    AgreementVersion,
    SharingRuleRow,
)
from accord.zones.agreements.transitions import (
    IN_FORCE,
    MANUAL_ACTIONS,
    REPLACEABLE,
    TABLE,
    AgreementStatus,
)
from accord.zones.agreements.validation import validate_changes
from accord.zones.models import Zone

OBJECT_TYPE = "agreement"
# Status moves are audited on the version (its id); the detail names the agreement's reference.
VERSION_TYPE = "agreement_version"
EDITABLE = ("text_zh", "text_en", "fields", "effective_on", "review_on", "public", "rules")


class AgreementNotFound(NotFound):
    code = "agreement_not_found"
    title = "Agreement not found"


class VersionNotFound(NotFound):
    code = "agreement_version_not_found"
    title = "Agreement version not found"


class AgreementImmutable(Conflict):
    code = "agreement_immutable"
    title = "A signed agreement cannot be changed"


class NotOpenForSignature(Conflict):
    code = "not_open_for_signature"
    title = "Not open for signature"


class AlreadySigned(Conflict):
    code = "already_signed"
    title = "Already signed"


class NotReadyToSign(InvalidInput):
    code = "not_ready_to_sign"
    title = "Not ready to sign"


class DraftExists(Conflict):
    code = "draft_exists"
    title = "A draft amendment exists"


# --- reading -------------------------------------------------------------------------------


def get_by_reference(session: Session, reference: str) -> Agreement:
    agreement = refs.by_reference(session, Agreement, reference)
    if agreement is None:
        raise AgreementNotFound(f"no agreement has the reference {reference!r}", field="reference")
    return agreement


def get_version(agreement: Agreement, number: int) -> AgreementVersion:
    for version in agreement.versions:
        if version.number == number:
            return version
    raise VersionNotFound(
        f"{agreement.reference} has no version {number}", field="version", number=number
    )


def list_for_zone(session: Session, zone: Zone) -> list[Agreement]:
    return list(
        session.scalars(
            select(Agreement).where(Agreement.zone_id == zone.id).order_by(Agreement.reference)
        )
    )


def require_read(session: Session, actor: Actor, agreement: Agreement) -> None:
    """Sharing rules and drafts are for the zone's members (and the platform's admins)."""
    policy.require_zone(session, actor, "zones.read", agreement.zone_id)


def in_force_version(agreement: Agreement) -> AgreementVersion | None:
    current = [v for v in agreement.versions if v.status in IN_FORCE]
    return current[-1] if current else None


def latest_version(agreement: Agreement) -> AgreementVersion:
    return agreement.versions[-1]


def draft_version(agreement: Agreement) -> AgreementVersion | None:
    return next((v for v in agreement.versions if v.status == AgreementStatus.DRAFT), None)


def version_in_force(
    session: Session, zone_id: uuid.UUID, *, on: date | None = None
) -> AgreementVersion | None:
    """The version whose sharing rules bind the zone on `on`: among the versions in force now,
    the one that took effect last (a zone may hold several agreements; the newest speaks)."""
    day = on or zones_service.today()
    return session.scalars(
        select(AgreementVersion)
        .join(Agreement, Agreement.id == AgreementVersion.agreement_id)
        .where(
            Agreement.zone_id == zone_id,
            AgreementVersion.status.in_([s.value for s in IN_FORCE]),
            AgreementVersion.effective_on <= day,
        )
        .order_by(AgreementVersion.effective_on.desc(), AgreementVersion.number.desc())
        .limit(1)
    ).first()


def public_versions(session: Session) -> list[AgreementVersion]:
    """The versions in force that their zone published, for the pages without login."""
    rows = session.scalars(
        select(AgreementVersion)
        .join(Agreement, Agreement.id == AgreementVersion.agreement_id)
        .join(Zone, Zone.id == Agreement.zone_id)
        .where(
            AgreementVersion.status.in_([s.value for s in IN_FORCE]),
            AgreementVersion.public.is_(True),
        )
        .order_by(Zone.code, Agreement.reference)
    )
    return list(rows)


def public_version(session: Session, reference: str) -> AgreementVersion:
    """The published version in force of an agreement; anything else is not found (a visitor
    must not learn that an unpublished agreement exists)."""
    try:
        agreement = get_by_reference(session, reference)
    except AgreementNotFound:
        agreement = None
    version = in_force_version(agreement) if agreement is not None else None
    if version is None or not version.public:
        raise AgreementNotFound(
            f"no published agreement in force has the reference {reference!r}", field="reference"
        )
    return version


# --- drafting ------------------------------------------------------------------------------


def create(
    session: Session,
    actor: Actor,
    zone: Zone,
    *,
    title_zh: str,
    title_en: str,
    changes: Mapping[str, Any] | None = None,
) -> Agreement:
    """A new agreement of the zone with its first draft version (the secretariat drafts)."""
    policy.require_zone(session, actor, "agreements.draft", zone.id)
    titles = {"title_zh": title_zh.strip(), "title_en": title_en.strip()}
    for name, value in titles.items():
        if not value or len(value) > 300:
            raise InvalidInput("a title has 1 to 300 characters", field=name)
    base: dict[str, Any] = {
        "text_zh": "",
        "text_en": "",
        "fields": list(zone.fields),
        "effective_on": None,
        "review_on": None,
        "public": False,
        "rules": [],
    }
    values, rules = validate_changes({**base, **(changes or {})}, current=None)
    agreement = Agreement(id=uuid7(), zone_id=zone.id, created_by=actor.username, **titles)
    agreement.reference = refs.allocate(
        session,
        agency_id=zone.secretariat_agency_id,
        prefix=zone.secretariat.prefix,
        kind=OBJECT_TYPE,
        object_id=agreement.id,
        title=f"{titles['title_zh']} · {titles['title_en']}",
    )
    session.add(agreement)
    version = AgreementVersion(
        id=uuid7(),
        agreement=agreement,
        number=1,
        status=AgreementStatus.DRAFT,
        created_by=actor.username,
        **values,
    )
    session.add(version)
    session.flush()
    _add_rules(session, version, rules or [])
    audit.record(
        session,
        actor,
        action="agreement.create",
        object_type=OBJECT_TYPE,
        object_id=agreement.reference,
        detail={"zone": zone.code, "version": 1},
    )
    return agreement


def require_editable(version: AgreementVersion) -> None:
    if version.status != AgreementStatus.DRAFT or version.signatures:
        state = "signed by a member" if version.signatures else f"{version.status.value}"
        raise AgreementImmutable(
            f"version {version.number} of {version.agreement.reference} is {state} and cannot "
            "change; amend the agreement to make a new version",
            field="version",
            current_status=version.status.value,
        )


def update_draft(
    session: Session,
    actor: Actor,
    version: AgreementVersion,
    *,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> AgreementVersion:
    """Change a draft nobody has signed yet; refused (nothing changed) for anything else.
    `expected_version` (from an If-Match) must still be the draft's version column."""
    policy.require_zone(session, actor, "agreements.draft", version.agreement.zone_id)
    require_editable(version)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(f"{unknown[0]} cannot be edited", field=unknown[0])
    values, rules = validate_changes(changes, current=version)
    expected = version.version if expected_version is None else expected_version
    table = cast(Table, AgreementVersion.__table__)
    result = session.execute(
        update(table)
        .where(table.c.id == version.id, table.c.version == expected)
        .values(**values, version=table.c.version + 1)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise StaleState(
            "this draft was changed by someone else since you loaded it; reload and try again",
            loaded_version=expected,
        )
    if rules is not None:
        session.execute(delete(SharingRuleRow).where(SharingRuleRow.version_id == version.id))
        _add_rules(session, version, rules)
    session.flush()
    session.refresh(version)
    session.expire(version, ["rules"])
    audit.record(
        session,
        actor,
        action="agreement.edit_draft",
        object_type=OBJECT_TYPE,
        object_id=version.agreement.reference,
        detail={"version": version.number, "changed": sorted(changes)},
    )
    return version


def _add_rules(
    session: Session, version: AgreementVersion, rules: Iterable[SharingRuleRow]
) -> None:
    for row in rules:
        row.version_id = version.id
        session.add(row)
    session.flush()
    session.expire(version, ["rules"])


def amend(session: Session, actor: Actor, agreement: Agreement) -> AgreementVersion:
    """A new draft version n+1, copied from the version in force (or the latest one)."""
    policy.require_zone(session, actor, "agreements.draft", agreement.zone_id)
    existing = draft_version(agreement)
    if existing is not None:
        raise DraftExists(
            f"version {existing.number} of {agreement.reference} is still a draft; edit it",
            field="version",
            number=existing.number,
        )
    base = in_force_version(agreement) or latest_version(agreement)
    version = AgreementVersion(
        id=uuid7(),
        agreement_id=agreement.id,
        number=latest_version(agreement).number + 1,
        status=AgreementStatus.DRAFT,
        text_zh=base.text_zh,
        text_en=base.text_en,
        fields=list(base.fields),
        effective_on=None,
        review_on=None,
        public=base.public,
        created_by=actor.username,
    )
    session.add(version)
    session.flush()
    _add_rules(
        session,
        version,
        [
            SharingRuleRow(
                id=uuid7(),
                data_kind=r.data_kind,
                mode=r.mode,
                handling_code=r.handling_code,
                include_subordinates=r.include_subordinates,
            )
            for r in base.rules
        ],
    )
    session.expire(agreement, ["versions"])
    audit.record(
        session,
        actor,
        action="agreement.amend",
        object_type=OBJECT_TYPE,
        object_id=agreement.reference,
        detail={"version": version.number, "from_version": base.number},
    )
    return version


# --- signing and status --------------------------------------------------------------------


def sign(
    session: Session,
    actor: Actor,
    version: AgreementVersion,
    *,
    agency_code: str | None = None,
    on: date | None = None,
) -> AgreementSignature:
    """The director of a member signs for it (their own agency unless `agency_code` says which).

    When every member of the zone on that day has signed, the version is `signed` and, if its
    effective date has come, in force at once. `on` dates a signature in the past; only the
    platform itself (loading historical agreements) may give it.
    """
    agreement = version.agreement
    zone = agreement.zone
    if agency_code is not None:
        agency_id = agencies_service.get_by_code(session, agency_code).id
    elif actor.agency_id is not None:
        agency_id = actor.agency_id
    else:
        raise InvalidInput("say for which member agency you sign", field="agency")
    policy.require_zone(session, actor, "agreements.sign", zone.id, agency_id=agency_id)
    today = zones_service.today()
    if on is not None and (not actor.is_system or on > today):
        raise InvalidInput("a signature is dated today", field="on")
    day = on or today
    if version.status != AgreementStatus.DRAFT:
        raise NotOpenForSignature(
            f"version {version.number} of {agreement.reference} is {version.status.value}; "
            "only a draft is signed",
            field="version",
            current_status=version.status.value,
        )
    _require_ready(version)
    members = {m.agency_id: m for m in zones_service.members_on(zone, day)}
    if agency_id not in members:
        raise zones_service.NotAMember(
            f"that agency is not a member of {zone.code} on {day}", field="agency"
        )
    if any(s.agency_id == agency_id for s in version.signatures):
        raise AlreadySigned(
            f"{members[agency_id].agency.code} has already signed version {version.number}",
            field="agency",
        )
    signature = AgreementSignature(
        id=uuid7(),
        version_id=version.id,
        agency_id=agency_id,
        signed_by=actor.username,
        signed_on=day,
        signed_at=clock.now(),
    )
    session.add(signature)
    session.flush()
    session.expire(version, ["signatures"])
    audit.record(
        session,
        actor,
        action="agreement.sign",
        object_type=OBJECT_TYPE,
        object_id=agreement.reference,
        detail={"version": version.number, "agency": members[agency_id].agency.code},
    )
    signed = {s.agency_id for s in version.signatures}
    if set(members) <= signed:
        transition(
            session,
            actor,
            version,
            table=TABLE,
            action="sign",
            object_type=VERSION_TYPE,
            audit_action="agreement.signed",
            detail={"reference": agreement.reference, "version": version.number},
            values={"signed_on": day},
        )
        if version.effective_on is not None and version.effective_on <= today:
            _bring_into_force(session, actor, version)
    return signature


def _require_ready(version: AgreementVersion) -> None:
    if not version.text_zh.strip():
        raise NotReadyToSign("the Chinese text is empty", field="text_zh")
    if not version.text_en.strip():
        raise NotReadyToSign("the English text is empty", field="text_en")
    if version.effective_on is None:
        raise NotReadyToSign("set the effective date before signing", field="effective_on")


def bring_into_force(session: Session, actor: Actor, version: AgreementVersion) -> AgreementStatus:
    """On demand: a signed version whose effective date has come enters into force now."""
    if not actor.is_system:
        policy.require_zone(session, actor, "agreements.draft", version.agreement.zone_id)
    TABLE.next_status(version.status, "bring_into_force")  # refuse a wrong status first
    if version.effective_on is None or version.effective_on > zones_service.today():
        raise InvalidInput(
            f"version {version.number} takes effect on {version.effective_on}", field="effective_on"
        )
    return _bring_into_force(session, actor, version)


def _bring_into_force(session: Session, actor: Actor, version: AgreementVersion) -> AgreementStatus:
    agreement = version.agreement
    session.expire(agreement, ["versions"])
    newer = [v for v in agreement.versions if v.number > version.number and v.status in IN_FORCE]
    if newer:
        # A later version already binds the members: this one never comes into force.
        return transition(
            session,
            actor,
            version,
            table=TABLE,
            action="supersede",
            object_type=VERSION_TYPE,
            audit_action="agreement.supersede",
            detail={"reference": agreement.reference, "by_version": newer[-1].number},
        )
    status = transition(
        session,
        actor,
        version,
        table=TABLE,
        action="bring_into_force",
        object_type=VERSION_TYPE,
        audit_action="agreement.in_force",
        detail={"reference": agreement.reference, "version": version.number},
    )
    for older in agreement.versions:
        if older.number < version.number and older.status in REPLACEABLE:
            transition(
                session,
                actor,
                older,
                table=TABLE,
                action="supersede",
                object_type=VERSION_TYPE,
                audit_action="agreement.supersede",
                detail={"reference": agreement.reference, "by_version": version.number},
            )
    zone = agreement.zone
    notify_service.enqueue(
        session,
        event="agreement.in_force",
        title=f"{agreement.reference} 第{version.number}版生效 · version {version.number} in force",
        reference=agreement.reference,
        link=f"/agreements/{agreement.reference}",
        to_agencies=[m.agency_id for m in zones_service.members_on(zone, zones_service.today())],
        to_roles=[Role.DIRECTOR, Role.LIAISON, Role.SECRETARIAT],
        dedupe_key=f"agreement.in_force:{version.id}",
    )
    return status


def act(
    session: Session,
    actor: Actor,
    version: AgreementVersion,
    *,
    action: str,
    reason: str | None = None,
) -> AgreementStatus:
    """The secretariat's moves: review, confirm after review, terminate; or bring_into_force."""
    if action == "bring_into_force":
        return bring_into_force(session, actor, version)
    if action not in MANUAL_ACTIONS:
        allowed = ", ".join((*MANUAL_ACTIONS, "bring_into_force"))
        raise InvalidInput(f"the action is one of {allowed}", field="action")
    policy.require_zone(session, actor, "agreements.draft", version.agreement.zone_id)
    return transition(
        session,
        actor,
        version,
        table=TABLE,
        action=action,
        object_type=VERSION_TYPE,
        audit_action=f"agreement.{action}",
        reason=(reason or "").strip()[:500] or None,
        detail={"reference": version.agreement.reference, "version": version.number},
    )


def bring_into_force_due(factory: sessionmaker[Session]) -> int:
    """The daily job: signed versions whose effective date has come enter into force (and
    supersede the previous version), each in its own transaction; returns how many moved.

    Safe to run twice or from two workers: a version already moved is skipped, and a lost
    compare-and-set leaves the move to whoever won it.
    """
    with factory() as session:
        due = list(
            session.execute(
                select(AgreementVersion.id)
                .where(
                    AgreementVersion.status == AgreementStatus.SIGNED.value,
                    AgreementVersion.effective_on <= zones_service.today(),
                )
                # Newest first: it supersedes older signed versions of the same agreement.
                .order_by(AgreementVersion.number.desc())
            ).scalars()
        )
    moved = 0
    actor = Actor.system("agreements")
    for version_id in due:
        with factory() as session:
            version = session.get(AgreementVersion, version_id)
            if version is None or version.status != AgreementStatus.SIGNED:
                continue
            try:
                status = _bring_into_force(session, actor, version)
                session.commit()
            except StaleState:
                session.rollback()
                continue
            moved += status == AgreementStatus.IN_FORCE
    return moved
