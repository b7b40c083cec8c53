"""The candidate index of alerts, in the database that every app process shares.

Writing: an alert's blocking keys (`accord.matching.blocking`) are stored as 64-bit hashes under
the alert's compact `index_no`, in the same transaction as the alert, and replaced whenever its
subject changes. Reading: a probe's keys find the index numbers of its candidates in one
indexed look-up; the candidates are then loaded only if they may hit at that moment (active,
and not past their expiry — decided here at query time, so an expired or cancelled alert never
hits again, whether or not the expiry sweep has run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from accord.alerts.models import AlertCounter, AlertKey
from accord.alerts.transitions import AlertStatus
from accord.matching.blocking import hashed_keys
from accord.matching.facts import Facts

# A look-up with more keys than this is split (SQLite's default limit is 32,766 variables).
_CHUNK = 5000
# A key shared by more alerts than this names nobody in particular (a very common name with no
# other fact): its candidates are capped, the rest of the probe's keys still count.
MAX_POSTING = 2000


def allocate_numbers(session: Session, count: int) -> int:
    """Reserve `count` consecutive index numbers; returns the first."""
    values = {"name": "alerts", "last": 0}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql.insert(AlertCounter).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(AlertCounter).values(values).on_conflict_do_nothing())
    last = session.execute(
        update(AlertCounter)
        .where(AlertCounter.name == "alerts")
        .values(last=AlertCounter.last + count)
        .returning(AlertCounter.last)
    ).scalar_one()
    return int(last) - count + 1


def key_rows(index_no: int, facts: Facts) -> list[dict[str, int]]:
    """The index rows of an alert whose subject reads as `facts`."""
    return [{"key": k, "alert_no": index_no} for k in hashed_keys(facts)]


def write_keys(session: Session, rows: Sequence[dict[str, int]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(AlertKey), list(rows[start : start + _CHUNK]))


def may_hit(status: AlertStatus, expires_at: datetime | None, now: datetime) -> bool:
    """Whether an alert answers a check at `now`: active and not past its expiry.

    Applied to the candidates a check loads (by their unique index numbers), not as a filter in
    the query: the planner would otherwise walk the status index, which names nearly every
    alert."""
    return status is AlertStatus.ACTIVE and (expires_at is None or expires_at > now)


def candidate_numbers(session: Session, keys: Iterable[int]) -> dict[int, set[int]]:
    """index_no -> the probe keys it shares, for every alert sharing at least one."""
    wanted = sorted(set(keys))
    found: dict[int, set[int]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(AlertKey.key, AlertKey.alert_no).where(AlertKey.key.in_(chunk))
        )
        for key, number in rows:
            found.setdefault(number, set()).add(key)
    return found
