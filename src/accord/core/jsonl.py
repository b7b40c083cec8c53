"""Reading JSON-lines files of Pydantic records: all lines checked, the first bad one named."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from accord.core.errors import DomainError

M = TypeVar("M", bound=BaseModel)


def parse_records(
    lines: Iterable[str], model: type[M], error: type[DomainError]
) -> list[tuple[int, M]]:
    """(line number, record) for every non-blank line; raises `error` naming the first bad
    line and, when the record does not validate, its field."""
    return list(iter_records(lines, model, error))


def iter_records(
    lines: Iterable[str], model: type[M], error: type[DomainError]
) -> Iterator[tuple[int, M]]:
    """`parse_records` one line at a time, for files too large to hold (a batch of probes)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"line {number}: not JSON ({exc.msg})", line=number) from exc
        try:
            yield number, model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "line"
            raise error(
                f"line {number}: field {field!r}: {_message(first['msg'])}",
                field=field,
                line=number,
            ) from exc


def _message(text: str) -> str:
    """Pydantic's message without its "Value error, " prefix (the validator's own words)."""
    return text.removeprefix("Value error, ")
