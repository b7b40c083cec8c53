"""One search over every domain: reference numbers first, then each domain's own finder.

A domain that issues reference numbers names the page of each kind in `REFERENCE_PAGES`;
a domain with searchable objects adds its finder to `FINDERS`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.core import refs


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    url: str
    reference: str | None = None
    exact: bool = False  # the text names this object and no other (a reference or a code)


# kind of object -> the page that shows it, by id. Domains add theirs as they issue references.
REFERENCE_PAGES: dict[str, Callable[[uuid.UUID], str]] = {}


def _agencies(session: Session, text: str) -> list[SearchHit]:
    code = text.upper()
    return [
        SearchHit(
            kind="agency",
            title=f"{a.code} {a.name_zh} · {a.name_en}",
            url=f"/agencies/{a.code}",
            exact=a.code == code,
        )
        for a in agencies_service.search(session, text, limit=20)
    ]


FINDERS: list[Callable[[Session, str], list[SearchHit]]] = [_agencies]


def search(session: Session, text: str) -> list[SearchHit]:
    """Everything that `text` names: the object with that reference number, then other matches."""
    text = text.strip()
    if not text:
        return []
    hits: list[SearchHit] = []
    entry = refs.resolve(session, text)
    if entry is not None:
        page = REFERENCE_PAGES.get(entry.kind)
        hits.append(
            SearchHit(
                kind=entry.kind,
                title=entry.title or entry.reference,
                url=page(entry.object_id) if page else f"/search?q={entry.reference}",
                reference=entry.reference,
                exact=True,
            )
        )
    for finder in FINDERS:
        hits.extend(finder(session, text))
    return hits
