"""Status machines as tables, and the one `transition()` that moves an object along them.

A domain declares its statuses as a `StrEnum` and its moves as a table
`TRANSITIONS = {(status, action): next_status}`, wrapped in a `StatusTable`. A model that moves
through such a table mixes in `WorkflowMixin` (a `version` column) and declares its own
`status` column with `status_column(MyStatus)`. `transition()` then:

1. looks the move up in the table (an unknown move is a 409 `transition_not_allowed`);
2. compares-and-sets in ONE statement, `UPDATE t SET status=:new, version=version+1
   WHERE <primary key> AND version=:expected`; no row changed means someone else moved the
   object since it was loaded, a 409 `concurrent_change` (SQLAlchemy's `version_id_col` is not
   used: the compare-and-set is the point and stays visible here);
3. writes the audit event and calls the domain's notify hook, in the same transaction.

Services call it and only flush; the route or command commits once, and on any error the whole
transaction, audit event included, rolls back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from sqlalchemy import Enum, Integer, and_, inspect, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from accord.audit import service as audit
from accord.audit.service import Subject
from accord.core.errors import Conflict
from accord.security.actor import Actor

S = TypeVar("S", bound=StrEnum)

# notify(session, obj, from_status, to_status): enqueue whatever the move should announce.
TransitionHook = Callable[[Session, Any, str, str], None]


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    title = "Transition not allowed"


class StaleState(Conflict):
    code = "concurrent_change"
    title = "Changed by someone else"


class StatusTable(Generic[S]):
    """The allowed moves of one status machine, checked when the table is built."""

    def __init__(self, statuses: type[S], transitions: Mapping[tuple[S, str], S]) -> None:
        for (status, action), target in transitions.items():
            if not isinstance(status, statuses) or not isinstance(target, statuses):
                raise ValueError(f"({status!r}, {action!r}) -> {target!r}: not {statuses.__name__}")
            if not action or action != action.strip():
                raise ValueError(f"action {action!r} of {status!r} must be a non-blank word")
        self.statuses = statuses
        self.transitions: dict[tuple[S, str], S] = dict(transitions)

    def rows(self) -> list[tuple[S, str, S]]:
        """Every allowed move as (from, action, to), in the order the table was written."""
        return [(s, a, t) for (s, a), t in self.transitions.items()]

    def allowed_actions(self, status: S | str) -> list[str]:
        """The actions allowed from `status`, in table order."""
        return [a for (s, a) in self.transitions if s == status]

    def can(self, status: S | str, action: str) -> bool:
        return (self._member(status), action) in self.transitions

    def terminal(self) -> set[S]:
        """Statuses with no way out."""
        return {s for s in self.statuses if not self.allowed_actions(s)}

    def next_status(self, status: S | str, action: str) -> S:
        """Where `action` leads from `status`; refuses a move the table does not list."""
        member = self._member(status)
        target = self.transitions.get((member, action))
        if target is None:
            allowed = self.allowed_actions(member)
            offer = ", ".join(allowed) if allowed else "none: it is final"
            raise TransitionNotAllowed(
                f"cannot {action} when the status is {member.value}; allowed: {offer}",
                current_status=member.value,
                action=action,
                allowed=allowed,
            )
        return target

    def _member(self, status: S | str) -> S:
        try:
            return self.statuses(status)
        except ValueError:
            raise ValueError(f"{status!r} is not a {self.statuses.__name__}") from None


def status_column(statuses: type[StrEnum], *, length: int = 30) -> Mapped[Any]:
    """The `status` column of a workflow model: the enum's values as strings, indexed."""
    return mapped_column(
        Enum(
            statuses,
            native_enum=False,
            length=length,
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )


class WorkflowMixin:
    """The `version` column that `transition()` compares and sets.

    The model also declares `status: Mapped[MyStatus] = status_column(MyStatus)` and a primary
    key (usually `IdMixin`). Nothing but `transition()` should write `status` or `version`.
    """

    version: Mapped[int] = mapped_column(Integer, default=1)

    if TYPE_CHECKING:
        status: Any


def transition(
    session: Session,
    actor: Actor,
    obj: WorkflowMixin,
    *,
    table: StatusTable[S],
    action: str,
    object_type: str,
    reason: str | None = None,
    audit_action: str | None = None,
    subjects: Iterable[Subject] = (),
    notify: TransitionHook | None = None,
    detail: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> S:
    """Move `obj` by `action` along `table`; returns the new status.

    Raises `TransitionNotAllowed` (409) for a move the table does not list and `StaleState`
    (409) when the object changed since it was loaded; either way nothing is written, and the
    caller's transaction must be rolled back. `values` (attribute -> value) are set by the same
    compare-and-set statement (say, `{"accepted_at": now}`); `detail` adds keys to the audit
    event's detail.
    """
    current = table._member(obj.status)
    target = table.next_status(current, action)
    expected = obj.version
    mapper = inspect(type(obj))
    state = inspect(obj)
    if state.identity is None:
        raise ValueError("transition() needs an object that is already in the database")
    pairs = zip(mapper.primary_key, state.identity, strict=True)
    key = and_(*(column == value for column, value in pairs))
    version_col = mapper.columns["version"]
    changes: dict[str, Any] = {mapper.columns[k].key: v for k, v in (values or {}).items()}
    changes[mapper.columns["status"].key] = target.value
    changes[version_col.key] = version_col + 1
    statement = update(mapper.local_table).where(key, version_col == expected).values(changes)
    try:
        result = cast(CursorResult[Any], session.execute(statement))
    except OperationalError as exc:
        # SQLite refuses the write of a transaction whose snapshot another writer has outdated
        # (SQLITE_BUSY_SNAPSHOT), or that another writer holds locked: both mean someone else
        # is changing the data under us, which is what a lost compare-and-set means too.
        if getattr(exc.orig, "sqlite_errorcode", None) in _SQLITE_BUSY:
            raise _stale(object_type, expected, action) from exc
        raise
    if result.rowcount != 1:
        raise _stale(object_type, expected, action)
    session.refresh(obj)
    audit_detail: dict[str, Any] = {"from": current.value, "to": target.value, "reason": reason}
    audit_detail.update(detail or {})
    audit.record(
        session,
        actor,
        action=audit_action or f"{object_type}.{action}",
        object_type=object_type,
        object_id=state.identity[0] if len(state.identity) == 1 else state.identity,
        subjects=subjects,
        detail=audit_detail,
    )
    if notify is not None:
        notify(session, obj, current.value, target.value)
    return target


_SQLITE_BUSY = frozenset({sqlite3.SQLITE_BUSY, getattr(sqlite3, "SQLITE_BUSY_SNAPSHOT", 517)})


def _stale(object_type: str, expected: int, action: str) -> StaleState:
    return StaleState(
        f"this {object_type} was changed by someone else since you loaded it; reload and try "
        f"again ({action} not done)",
        action=action,
        loaded_version=expected,
    )
