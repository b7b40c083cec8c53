"""Human reference numbers per agency and year (`SH-2026-000123`) and the index that finds them.

Every object that users cite by number gets one from `allocate()`: the counter row of the agency
and year is bumped with a single UPDATE ... RETURNING, so concurrent writers never receive the same
number, and the number is entered in the reference index so the search box resolves it.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ForeignKey, Integer, String, Uuid, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from accord.core import clock
from accord.core.db import Base, UTCDateTime

REFERENCE_RE = re.compile(r"^([A-Z][A-Z0-9]{0,11})-(\d{4})-(\d{1,9})$")


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"

    agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ReferenceEntry(Base):
    """One issued reference number and the object it names."""

    __tablename__ = "reference_index"

    reference: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def normalise_reference(text: str) -> str | None:
    """The canonical form of a typed reference, or None if it cannot be one.

    Accepts lower case, surrounding blanks, full-width digits and dashes, and unpadded numbers.
    """
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    cleaned = re.sub(r"[\s‐-―−]+", "-", cleaned).replace("--", "-")
    match = REFERENCE_RE.match(cleaned)
    if match is None:
        return None
    prefix, year, number = match.groups()
    return format_reference(prefix, int(year), int(number))


def _insert_counter_if_missing(session: Session, agency_id: uuid.UUID, year: int) -> None:
    values = {"agency_id": agency_id, "year": year, "last": 0}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql.insert(ReferenceCounter).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(ReferenceCounter).values(values).on_conflict_do_nothing())


def allocate(
    session: Session,
    *,
    agency_id: uuid.UUID,
    prefix: str,
    kind: str,
    object_id: uuid.UUID,
    title: str = "",
    at: datetime | None = None,
) -> str:
    """Issue the next reference number of the agency for the year of `at` (default: now)."""
    issued = at or clock.now()
    year = issued.year
    _insert_counter_if_missing(session, agency_id, year)
    number = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.agency_id == agency_id, ReferenceCounter.year == year)
        .values(last=ReferenceCounter.last + 1)
        .returning(ReferenceCounter.last)
    ).scalar_one()
    reference = format_reference(prefix, year, number)
    session.execute(
        insert(ReferenceEntry).values(
            reference=reference,
            kind=kind,
            object_id=object_id,
            agency_id=agency_id,
            title=title[:300],
            issued_at=issued,
        )
    )
    return reference


def resolve(session: Session, text: str) -> ReferenceEntry | None:
    """The index entry for a typed reference number, if one was issued."""
    reference = normalise_reference(text)
    if reference is None:
        return None
    return session.scalars(
        select(ReferenceEntry).where(ReferenceEntry.reference == reference)
    ).one_or_none()


Referenced = TypeVar("Referenced")


def by_reference(session: Session, model: type[Referenced], text: str) -> Referenced | None:
    """The object of `model` (which has a `reference` column) that a typed reference names."""
    reference = normalise_reference(text) or text.strip().upper()
    column = getattr(model, "reference")  # noqa: B009  (every referenced model maps one)
    return session.scalars(select(model).where(column == reference)).one_or_none()


def find(session: Session, model: type[Referenced], key: str) -> Referenced | None:
    """The object of `model` named by its id or by its reference number (any spelling)."""
    try:
        object_id = uuid.UUID(key.strip())
    except ValueError:
        return by_reference(session, model, key)
    return session.get(model, object_id)
