"""Withdrawals: the `records.changes.ON_WITHDRAW` hook that takes a withdrawn case out of its
series at once, so no series page shows a case its owner took back before the next run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from accord.core import clock
from accord.records.models import SharedRecord
from accord.series import reading
from accord.series.models import Series, SeriesCase, SeriesEvidence


def withdrawn(session: Session, records: list[SharedRecord]) -> None:
    """The `records.changes.ON_WITHDRAW` hook: a withdrawn case leaves its series at once (with
    its evidence); a series left with fewer than two cases is dissolved. The next run
    recomputes the rest of the series (it may split where the case joined it)."""
    ids = [r.id for r in records if r.schema == "Event"]
    if not ids:
        return
    touched = set(
        session.scalars(select(SeriesCase.series_id).where(SeriesCase.record_id.in_(ids)))
    )
    if not touched:
        return
    now = clock.now()
    session.execute(
        delete(SeriesCase)
        .where(SeriesCase.record_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(SeriesEvidence)
        .where(or_(SeriesEvidence.left_id.in_(ids), SeriesEvidence.right_id.in_(ids)))
        .execution_options(synchronize_session=False)
    )
    for series_id in sorted(touched):
        rest = session.execute(
            select(SharedRecord.agency_id, SharedRecord.properties)
            .join(SeriesCase, SeriesCase.record_id == SharedRecord.id)
            .where(SeriesCase.series_id == series_id)
        ).all()
        days = [d for _, p in rest if (d := reading.case_day(p)) is not None]
        count = len({a for a, _ in rest})
        values: dict[str, Any] = {
            "size": len(rest),
            "agencies": count,
            "cross_regional": count >= 2,
            "first_date": min(days) if days else None,
            "last_date": max(days) if days else None,
            "updated_at": now,
            "run_id": None,  # changed outside a run: the next run recomputes the rest
        }
        if len(rest) < 2:
            values.update(status="dissolved", size=0, agencies=0)
            session.execute(delete(SeriesCase).where(SeriesCase.series_id == series_id))
            session.execute(delete(SeriesEvidence).where(SeriesEvidence.series_id == series_id))
        session.execute(
            update(Series)
            .where(Series.id == series_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    session.expire_all()
