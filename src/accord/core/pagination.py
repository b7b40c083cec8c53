"""Cursor (keyset) pagination: stable pages however many rows are inserted meanwhile.

A cursor is the sort key of the last row served, base64url-encoded JSON; the next page asks for
rows strictly after it in the same order. A cursor that does not decode is a 422 on `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from accord.core.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"
    title = "Invalid cursor"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is not one this server issued", field="cursor") from exc
    if not isinstance(values, list) or len(values) != width:
        raise InvalidCursor("cursor is not one this server issued", field="cursor")
    return [str(v) for v in values]


def paginate(
    session: Session,
    stmt: Select[T],
    *,
    keys: Sequence[InstrumentedAttribute[Any]],
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> Page[T]:
    """One page of `stmt` ordered by `keys` (ascending, or descending for newest-first lists;
    the last key must be unique)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if cursor:
        after = decode_cursor(cursor, len(keys))
        typed = [_coerce(key, value) for key, value in zip(keys, after, strict=True)]
        condition: ColumnElement[bool] = (
            tuple_(*keys) < tuple_(*typed) if descending else tuple_(*keys) > tuple_(*typed)
        )
        stmt = stmt.where(condition)
    order = [key.desc() for key in keys] if descending else list(keys)
    rows = list(session.scalars(stmt.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, key.key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor)


def _coerce(key: InstrumentedAttribute[Any], value: str) -> Any:
    try:
        python_type = key.type.python_type
    except NotImplementedError:
        return value
    try:
        return python_type(value)
    except (TypeError, ValueError) as exc:
        raise InvalidCursor("cursor is not one this server issued", field="cursor") from exc
