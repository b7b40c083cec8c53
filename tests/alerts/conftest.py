"""Fixtures of the alert tests: the Yangtze River Delta with an agreement in force whose rules
share wanted, missing and vehicle alerts in full, documents and discreet checks as hit/no-hit
only, and drones not at all; officers and issuers of its members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.alerts import service
from accord.alerts.models import Alert
from accord.alerts.schemas import AlertRecord
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.agreements import service as agreements_service
from accord.zones.models import Zone
from tests.factories import make_actor, make_named

FULL = ("wanted_arrest", "wanted_locate", "missing_person", "stolen_vehicle")
HIT_ONLY = ("stolen_document", "discreet_check")


@dataclass
class World:
    zone: Zone
    agencies: dict[str, Agency]
    officers: dict[str, Actor]
    issuers: dict[str, Actor]

    def issue(self, session: Session, by: str = "JS", **fields: Any) -> Alert:
        """Issue an alert of agency `by` (short name) and commit it."""
        data = {"type": "wanted_arrest", "issuing_agency": self.agencies[by].code, **fields}
        alert = service.create_alert(session, self.issuers[by], AlertRecord.model_validate(data))
        session.commit()
        return alert


@pytest.fixture(autouse=True)
def _fresh_rule_caches() -> None:
    """Sharing rules and provinces are remembered per process; each test starts afresh."""
    service.clear_caches()


@pytest.fixture
def world(session: Session, frozen_clock: FrozenClock) -> World:
    agencies = make_named(session, "SH", "JS", "ZJ", "AH", "PD", "HZ", "HAN")
    system = Actor.system()
    zone = zones_service.create_zone(
        session,
        system,
        code="YRD",
        name_zh="长三角",
        name_en="Yangtze River Delta",
        fields=["intelligence"],
        founded_on=date(2019, 5, 22),
        members=["310000", "320000", "330000", "340000"],
        secretariat="310000",
    )
    session.commit()
    secretariat = make_actor(agencies["SH"], Role.SECRETARIAT, username="sec", zone_id=zone.id)
    rules = [
        {"data_kind": f"alert.{k}", "mode": "full", "handling_code": "H0",
         "include_subordinates": True}
        for k in FULL
    ] + [
        {"data_kind": f"alert.{k}", "mode": "hit_no_hit", "handling_code": "H2"}
        for k in HIT_ONLY
    ]  # fmt: skip
    agreement = agreements_service.create(
        session,
        secretariat,
        zone,
        title_zh="长三角警务合作协议",
        title_en="YRD agreement",
        changes={
            "text_zh": "第一条",
            "text_en": "Article 1",
            "effective_on": date(2026, 11, 23),
            "review_on": date(2029, 11, 23),
            "public": False,
            "rules": rules,
        },
    )
    session.commit()
    for name in ("SH", "JS", "ZJ", "AH"):
        director = make_actor(
            agencies[name], Role.DIRECTOR, username=f"{name.lower()}.director", zone_id=zone.id
        )
        agreements_service.sign(session, director, agreement.versions[0])
    session.commit()
    officers = {
        name: make_actor(agencies[name], Role.OFFICER, username=f"{name.lower()}.officer")
        for name in agencies
    }
    issuers = {
        name: make_actor(
            agencies[name], Role.INVESTIGATOR, Role.LIAISON, username=f"{name.lower()}.inv"
        )
        for name in agencies
    }
    return World(zone, agencies, officers, issuers)
