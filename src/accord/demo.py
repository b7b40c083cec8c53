"""The demo data set for `accord demo load`: realistic agencies, then each domain's data.

Loading is idempotent: each domain's loader upserts by natural key, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service


@dataclass(frozen=True)
class DemoSummary:
    agencies_created: int
    agencies_updated: int
    agencies_unchanged: int


def demo_agency_lines() -> list[str]:
    text = (
        resources.files("accord.agencies").joinpath("data/demo_agencies.jsonl").read_text("utf-8")
    )
    return text.splitlines()


def load(session: Session) -> DemoSummary:
    """Load the demo into the database behind `session` (the caller commits)."""
    result = agencies_service.import_lines(session, demo_agency_lines())
    return DemoSummary(result.created, result.updated, result.unchanged)
