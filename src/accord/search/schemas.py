"""API shapes of search results."""

from __future__ import annotations

from pydantic import BaseModel


class SearchHitOut(BaseModel):
    kind: str
    title: str
    url: str
    reference: str | None = None
    exact: bool = False


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHitOut]
