"""The demo's shared records: six agencies' case files in the exchange convention (Pudong,
Jiangsu, Zhejiang and Anhui of the Yangtze River Delta; Beijing and Hebei), made with
bench/gen_linkage.py (seed 2026, 2,400 Person records) and shipped with the package: the same
people under other spellings, scripts and mistyped IDs in several agencies, fraud rings with
shared phones and receiving accounts, public hotlines mentioned by unrelated cases. Entity ids
carry a `demo-` prefix, so that an agency's own file imported later never updates a demo record
by chance. Loaded through the real import, then linked by the real linkage run.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.records import service
from accord.records.imports import import_lines
from accord.records.models import SharedRecord
from accord.security.actor import Actor

DEMO_AGENCIES = ("310115", "320000", "330000", "340000", "110000", "130000")


def demo_lines(code: str) -> list[str]:
    data = resources.files("accord.records").joinpath(f"data/demo-{code}.jsonl")
    return data.read_text("utf-8").splitlines()


def load_demo(session: Session, loader: Actor) -> int:
    """Import the demo agencies' files (skipped once records exist); the number of records."""
    if session.scalar(select(func.count()).select_from(SharedRecord)):
        return 0
    count = 0
    for code in DEMO_AGENCIES:
        agency = service.agency_for(session, code)
        result = import_lines(session, loader, agency=agency, lines=demo_lines(code))
        count += result.created
    return count
