"""Search route under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from accord.search import service
from accord.search.schemas import SearchHitOut, SearchResults
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/search", tags=["search"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=SearchResults)
def search(
    session: DbSession, q: Annotated[str, Query(min_length=1, max_length=100)]
) -> SearchResults:
    """Find an object by reference number (e.g. SH-2026-000123), or agencies by code or name."""
    hits = service.search(session, q)
    return SearchResults(query=q, hits=[SearchHitOut(**vars(h)) for h in hits])
