"""Action commands after they are issued: the owner acknowledges, starts and completes them and
reports progress; the secretariat extends deadlines (with a reason) and withdraws them; the
zone's dashboard counts them per member; "my work" lists the open ones of the actor's agency.

Overdue is derived (open and past the deadline), as is "done late" (done after the deadline).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from accord.attachments import service as attachments_service
from accord.audit import service as audit
from accord.core import clock, refs
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.workflow import StaleState, transition
from accord.meetings.models import ActionCommand, CommandProgress, DeadlineExtension
from accord.meetings.service import parse_key
from accord.meetings.transitions import (
    COMMAND_TABLE,
    OPEN,
    OWNER_ACTIONS,
    SECRETARIAT_ACTIONS,
    CommandStatus,
)
from accord.notify import service as notify
from accord.notify.work import WorkItem
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.models import Zone

PROGRESS_OBJECT = "action_command_progress"


class CommandNotFound(NotFound):
    code = "command_not_found"
    title = "Action command not found"


class CommandClosed(Conflict):
    code = "command_closed"
    title = "The command is closed"


class UnknownAction(InvalidInput):
    code = "unknown_action"
    title = "Unknown action"


# --- reading ---------------------------------------------------------------------------------


def get_command(session: Session, key: str) -> ActionCommand:
    """A command by its reference number (or id)."""
    command = refs.find(session, ActionCommand, key)
    if command is None:
        raise CommandNotFound(f"no action command {key!r}", field="command")
    return command


def read_command(session: Session, actor: Actor, key: str) -> ActionCommand:
    command = get_command(session, key)
    policy.require_zone(session, actor, "meetings.read", command.zone_id)
    return command


def list_commands(
    session: Session,
    actor: Actor,
    zone: Zone,
    *,
    overdue_only: bool = False,
    owner_id: uuid.UUID | None = None,
) -> list[ActionCommand]:
    """The zone's commands by deadline; `overdue_only` keeps open ones past their deadline."""
    policy.require_zone(session, actor, "meetings.read", zone.id)
    stmt = select(ActionCommand).where(ActionCommand.zone_id == zone.id)
    if overdue_only:
        stmt = stmt.where(ActionCommand.status.in_(OPEN), ActionCommand.deadline < clock.now())
    if owner_id is not None:
        stmt = stmt.where(ActionCommand.owner_agency_id == owner_id)
    return list(session.scalars(stmt.order_by(ActionCommand.deadline, ActionCommand.reference)))


def allowed_actions(session: Session, actor: Actor | None, command: ActionCommand) -> list[str]:
    """The moves the actor may make on the command now (for buttons)."""
    if actor is None:
        return []
    out = []
    for action in COMMAND_TABLE.allowed_actions(command.status):
        owner_may = action in OWNER_ACTIONS and may_update(session, actor, command)
        if owner_may or (action in SECRETARIAT_ACTIONS and may_manage(session, actor, command)):
            out.append(action)
    return out


def may_update(session: Session, actor: Actor, command: ActionCommand) -> bool:
    return policy.allows_in_zone(
        session, actor, "commands.update", command.zone_id, agency_id=command.owner_agency_id
    )


def may_manage(session: Session, actor: Actor, command: ActionCommand) -> bool:
    return policy.allows_in_zone(session, actor, "commands.manage", command.zone_id)


# --- changing --------------------------------------------------------------------------------


def _require_open(command: ActionCommand, what: str) -> None:
    if command.status not in OPEN:
        raise CommandClosed(
            f"the command is {command.status.value}: {what} only while it is open",
            field="command",
            status_now=command.status.value,
        )


def move_command(
    session: Session,
    actor: Actor,
    command: ActionCommand,
    action: str,
    *,
    reason: str | None = None,
) -> CommandStatus:
    """acknowledge, start, complete (the owner) or withdraw (the secretariat)."""
    if action in OWNER_ACTIONS:
        policy.require_zone(
            session, actor, "commands.update", command.zone_id, agency_id=command.owner_agency_id
        )
    elif action in SECRETARIAT_ACTIONS:
        policy.require_zone(session, actor, "commands.manage", command.zone_id)
        if not (reason or "").strip():
            raise InvalidInput("say why the command is withdrawn", field="reason")
    else:
        known = ", ".join(sorted(OWNER_ACTIONS | SECRETARIAT_ACTIONS))
        raise UnknownAction(f"{action!r} is not one of {known}", field="action")
    now = clock.now()
    values: dict[str, Any] = {"done_at": now} if action == "complete" else {}
    target = transition(
        session,
        actor,
        command,
        table=COMMAND_TABLE,
        action=action,
        object_type="action_command",
        reason=reason,
        values=values,
        detail={
            "reference": command.reference,
            "late": action == "complete" and now > command.deadline,
        },
    )
    if target in (CommandStatus.DONE, CommandStatus.WITHDRAWN):
        zone = session.get(Zone, command.zone_id)
        assert zone is not None
        notify.enqueue(
            session,
            event=f"command.{target.value}",
            title=f"{zone.code} {command.reference}: {target.value}",
            reference=command.reference,
            link=f"/commands/{command.reference}",
            to_users=zones_service.secretariat_users(session, zone.id),
            to_agencies=[command.owner_agency_id] if target == CommandStatus.WITHDRAWN else [],
            to_roles=[Role.LIAISON] if target == CommandStatus.WITHDRAWN else [],
            channels=["inbox", "live"],
        )
    return target


def add_progress(
    session: Session, actor: Actor, command: ActionCommand, *, text: str
) -> CommandProgress:
    """The owner reports progress; files are attached to the report afterwards
    (`attachments.store(..., object_type="action_command_progress", object_id=<report id>)`)."""
    policy.require_zone(
        session, actor, "commands.update", command.zone_id, agency_id=command.owner_agency_id
    )
    body = (text or "").strip()
    if not body:
        raise InvalidInput("the progress report needs some text", field="text")
    if len(body) > 20_000:
        raise InvalidInput("a progress report is at most 20000 characters", field="text")
    _require_open(command, "progress is reported")
    report = CommandProgress(
        id=uuid7(),
        agency_id=actor.agency_id,
        username=actor.username[:80],
        text=body,
        at=clock.now(),
    )
    command.progress.append(report)
    session.flush()
    audit.record(
        session,
        actor,
        action="action_command.progress",
        object_type="action_command",
        object_id=command.id,
        detail={"reference": command.reference, "progress": str(report.id)},
    )
    return report


def get_progress(session: Session, report_id: uuid.UUID) -> CommandProgress:
    report = session.get(CommandProgress, report_id)
    if report is None:
        raise NotFound(f"no progress report {report_id}", field="progress")
    return report


def extend_deadline(
    session: Session,
    actor: Actor,
    command: ActionCommand,
    *,
    deadline: datetime,
    reason: str,
) -> DeadlineExtension:
    """The secretariat moves an open command's deadline later, saying why."""
    policy.require_zone(session, actor, "commands.manage", command.zone_id)
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("say why the deadline is extended", field="reason")
    if deadline.tzinfo is None:
        raise InvalidInput("deadline needs a time zone offset", field="deadline")
    _require_open(command, "the deadline is extended")
    old = command.deadline
    if deadline <= old:
        raise InvalidInput(
            f"the new deadline must be later than the current one ({old.isoformat()})",
            field="deadline",
        )
    if deadline <= clock.now():
        raise InvalidInput("the new deadline lies in the future", field="deadline")
    expected = command.version
    # Compare-and-set like a transition: an extension made meanwhile by someone else loses.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(ActionCommand)
            .where(ActionCommand.id == command.id, ActionCommand.version == expected)
            .values(deadline=deadline, version=ActionCommand.version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise StaleState(
            "this command was changed by someone else since you loaded it; reload and try again",
            action="extend",
            loaded_version=expected,
        )
    session.refresh(command)
    extension = DeadlineExtension(
        id=uuid7(),
        old_deadline=old,
        new_deadline=deadline,
        reason=why,
        by=actor.username[:80],
        at=clock.now(),
    )
    command.extensions.append(extension)
    session.flush()
    audit.record(
        session,
        actor,
        action="action_command.extend",
        object_type="action_command",
        object_id=command.id,
        detail={
            "reference": command.reference,
            "from": old.isoformat(),
            "to": deadline.isoformat(),
            "reason": why,
        },
    )
    notify.enqueue(
        session,
        event="command.extended",
        title=f"{command.reference}: 期限延至 · deadline extended to {deadline.isoformat()}",
        reference=command.reference,
        link=f"/commands/{command.reference}",
        to_agencies=[command.owner_agency_id],
        to_roles=[Role.LIAISON, Role.DIRECTOR],
        dedupe_key=f"command.extended:{command.id}:{deadline.isoformat()}",
    )
    return extension


# --- the dashboard and "my work" ---------------------------------------------------------------


@dataclass(frozen=True)
class MemberCounts:
    code: str
    name_zh: str
    name_en: str
    open: int  # every open command, overdue ones included
    overdue: int
    done: int  # done by the deadline
    done_late: int
    withdrawn: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "open": self.open,
            "overdue": self.overdue,
            "done": self.done,
            "done_late": self.done_late,
            "withdrawn": self.withdrawn,
        }


def dashboard(session: Session, actor: Actor, zone: Zone) -> list[MemberCounts]:
    """Per active member (and any former member that still owns commands), by code."""
    policy.require_zone(session, actor, "meetings.read", zone.id)
    now = clock.now()
    counts: dict[uuid.UUID, dict[str, int]] = {}
    agencies = {
        m.agency_id: m.agency for m in zones_service.members_on(zone, zones_service.today())
    }
    for c in session.scalars(select(ActionCommand).where(ActionCommand.zone_id == zone.id)):
        agencies.setdefault(c.owner_agency_id, c.owner)
        row = counts.setdefault(c.owner_agency_id, {})
        if c.status in OPEN:
            key = "open"
            if c.deadline < now:
                row["overdue"] = row.get("overdue", 0) + 1
        elif c.status == CommandStatus.DONE:
            key = "done_late" if c.done_late else "done"
        else:
            key = "withdrawn"
        row[key] = row.get(key, 0) + 1
    return [
        MemberCounts(
            code=a.code,
            name_zh=a.name_zh,
            name_en=a.name_en,
            **{
                k: counts.get(a.id, {}).get(k, 0)
                for k in ("open", "overdue", "done", "done_late", "withdrawn")
            },
        )
        for a in sorted(agencies.values(), key=lambda a: a.code)
    ]


def commands_for(session: Session, actor: Actor) -> list[WorkItem]:
    """'My work': the open commands owned by the actor's agency, if the actor may update them."""
    if actor.agency_id is None or not policy.allows(actor, "commands.update"):
        return []
    rows = session.scalars(
        select(ActionCommand)
        .where(ActionCommand.owner_agency_id == actor.agency_id, ActionCommand.status.in_(OPEN))
        .order_by(ActionCommand.deadline, ActionCommand.reference)
    )
    return [
        WorkItem(
            kind="action_command",
            title=c.description[:200],
            reference=c.reference,
            link=f"/commands/{c.reference}",
            deadline=c.deadline,
            status=c.status.value,
            agency_code=c.owner.code,
        )
        for c in rows
        if may_update(session, actor, c)
    ]


def may_see_progress(session: Session, actor: Actor, object_id: str) -> bool:
    """Attachment access for progress reports: whoever may read the command's zone meetings."""
    key = parse_key(object_id)
    report = session.get(CommandProgress, key) if key is not None else None
    if report is None:
        return False
    return policy.allows_in_zone(session, actor, "meetings.read", report.command.zone_id)


def may_attach_to_progress(session: Session, actor: Actor, object_id: str) -> bool:
    """Adding files to a progress report: only those who may update the command itself."""
    key = parse_key(object_id)
    report = session.get(CommandProgress, key) if key is not None else None
    return report is not None and may_update(session, actor, report.command)


attachments_service.ACCESS_CHECKS.setdefault(PROGRESS_OBJECT, may_see_progress)
attachments_service.UPLOAD_CHECKS.setdefault(PROGRESS_OBJECT, may_attach_to_progress)
