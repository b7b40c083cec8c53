"""A test zone: the Yangtze River Delta's four provincial bureaus."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from accord.security.actor import Actor
from accord.zones import service
from accord.zones.models import Zone
from tests.factories import make_named


def make_yrd(session: Session, *, term_months: int = 12, follows: bool = True) -> Zone:
    make_named(session, "SH", "JS", "ZJ", "AH", "HZ", "PD", "LJZ")
    zone = service.create_zone(
        session,
        Actor.system("test"),
        code="YRD",
        name_zh="长三角区域警务合作",
        name_en="Yangtze River Delta police cooperation",
        fields=["intelligence", "criminal_investigation", "traffic"],
        founded_on=date(2019, 5, 22),
        members=["310000", "320000", "330000", "340000"],
        secretariat="310000",
        secretariat_follows_chair=follows,
        chair_term_months=term_months,
        rotation=["310000", "320000", "330000", "340000"],
    )
    session.commit()
    return zone
