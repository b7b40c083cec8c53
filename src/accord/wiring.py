"""Where the domains' hooks meet: the worker's periodic jobs and the "my work" providers.

Each domain offers its parts (a job function, a provider) without knowing the others; this one
module plugs them in, explicitly, so that the list of what runs in the background and what
fills "my work" is readable in one place. `wire()` is idempotent and is called by the app
factory, the worker and the command line.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.alerts import followups
from accord.alerts import jobs as alert_jobs
from accord.assistance import access as assistance_access
from accord.attachments import service as attachments_service
from accord.audit import jobs as audit_jobs
from accord.core import idempotency
from accord.core.refs import ReferenceEntry
from accord.deadlines import jobs as deadline_jobs
from accord.deadlines import sweep as deadline_sweep
from accord.deadlines import work as deadline_work
from accord.linkage import service as linkage_service
from accord.meetings import commands as meetings_commands
from accord.meetings import sweep as meetings_sweep
from accord.notify import work as notify_work
from accord.records import changes as record_changes
from accord.records import watches as record_watches
from accord.search import service as search_service
from accord.security.actor import Actor
from accord.series import withdrawals as series_withdrawals
from accord.worker import PERIODIC_JOBS, Job
from accord.zones import jobs as zone_jobs
from accord.zones import service as zones_service
from accord.zones.agreements import service as agreements_service

_wired = False


def purge_idempotency_keys(factory: sessionmaker[Session]) -> int:
    """Drop Idempotency-Key records past their 24 hours."""
    with factory() as session:
        purged = idempotency.purge_expired(session)
        session.commit()
    return purged


def open_deadlines(session: Session, actor: Actor) -> list[notify_work.WorkItem]:
    """The running and paused SLA clocks the actor's agency owes, as "my work" items."""
    clocks = deadline_work.open_clocks_for(session, actor)
    if not clocks:
        return []
    entries = {
        e.object_id: e
        for e in session.scalars(
            select(ReferenceEntry).where(
                ReferenceEntry.object_id.in_({c.object_id for c in clocks})
            )
        )
    }
    items = []
    for c in clocks:
        entry = entries.get(c.object_id)
        page = search_service.REFERENCE_PAGES.get(c.object_type)
        items.append(
            notify_work.WorkItem(
                kind=c.object_type,
                title=(entry.title if entry and entry.title else c.name),
                reference=entry.reference if entry else None,
                link=page(c.object_id) if page else f"/api/v1/sla-clocks/{c.clock_id}",
                deadline=c.due_at,
                status=("escalated" if c.escalated else c.status.value),
                agency_code=actor.agency_code,
            )
        )
    return items


def cluster_grew(session: Session, key: str, record_ids: list[uuid.UUID]) -> None:
    record_watches.notify_cluster_growth(session, cluster_key=key, record_ids=record_ids)


def wire() -> None:
    global _wired
    if _wired:
        return
    _wired = True
    PERIODIC_JOBS.extend(
        [
            Job("audit.chain", 5.0, audit_jobs.chain_job),
            Job("deadlines.sweep", 60.0, deadline_jobs.sweep_job),
            Job("idempotency.purge", 3600.0, purge_idempotency_keys),
            Job("zones.rotate_chair", 3600.0, zone_jobs.rotate_due),
            Job("agreements.in_force", 3600.0, agreements_service.bring_into_force_due),
            Job("meetings.overdue", 300.0, meetings_sweep.overdue_sweep),
            Job("alerts.expire", 60.0, alert_jobs.expire_job),
            Job("alerts.review_reminders", 3600.0, alert_jobs.review_job),
        ]
    )
    notify_work.PROVIDERS.append(open_deadlines)
    notify_work.PROVIDERS.append(meetings_commands.commands_for)
    notify_work.PROVIDERS.append(followups.open_followups)
    search_service.REFERENCE_PAGES["meeting"] = lambda oid: f"/meetings/{oid}"
    search_service.REFERENCE_PAGES["action_command"] = lambda oid: f"/commands/{oid}"
    search_service.REFERENCE_PAGES["agreement"] = lambda oid: f"/agreements/id/{oid}"
    search_service.REFERENCE_PAGES["hit_followup"] = lambda oid: f"/followups/{oid}"
    search_service.REFERENCE_PAGES["alert"] = lambda oid: f"/alerts/{oid}"
    search_service.REFERENCE_PAGES["assistance_request"] = lambda oid: f"/assist/{oid}"
    search_service.REFERENCE_PAGES["joint_case"] = lambda oid: f"/joint-cases/{oid}"
    # Files on a request, its outcome or its messages: whoever sees the request.
    for object_type in ("assistance_request", "assistance_message"):
        attachments_service.ACCESS_CHECKS.setdefault(
            object_type, assistance_access.attachment_access(object_type)
        )
    # A changed or withdrawn Person record leaves its cluster (the next run links it again);
    # watchers of a person cluster hear when linkage adds records to it.
    record_changes.ON_CHANGE.append(linkage_service.forget)
    record_changes.ON_WITHDRAW.append(linkage_service.forget)
    # A withdrawn case leaves its series at once.
    record_changes.ON_WITHDRAW.append(series_withdrawals.withdrawn)
    linkage_service.ON_CLUSTER_GROWTH.append(cluster_grew)
    # An agency with no parent (foreign police) escalates to its zone's secretariat.
    deadline_sweep.ZONE_SECRETARIAT_RESOLVERS.append(zones_service.zone_of_agency_without_parent)
    deadline_sweep.ZONE_SECRETARIAT_USERS.append(zones_service.secretariat_users)
