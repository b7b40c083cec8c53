"""Reading JSON-lines files of Pydantic records: all lines checked, the first bad one named."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from accord.core.errors import DomainError

M = TypeVar("M", bound=BaseModel)


def parse_records(
    lines: Iterable[str], model: type[M], error: type[DomainError]
) -> list[tuple[int, M]]:
    """(line number, record) for every non-blank line; raises `error` naming the first bad
    line and, when the record does not validate, its field."""
    records: list[tuple[int, M]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"line {number}: not JSON ({exc.msg})", line=number) from exc
        try:
            records.append((number, model.model_validate(data)))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "line"
            raise error(
                f"line {number}: field {field!r}: {first['msg']}", field=field, line=number
            ) from exc
    return records
