"""Fixtures of the assistance tests: the Yangtze River Delta (Shanghai, Jiangsu, Zhejiang,
Anhui) with an agreement in force that shares assistance requests, cities below two members
(Pudong under Shanghai; Hangzhou and Ningbo under Zhejiang), Hanoi outside the zone, and for
each agency an investigator who asks, a liaison who routes and an officer who works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance import service
from accord.assistance.models import AssistanceRequest
from accord.assistance.schemas import RequestIn
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.agreements import service as agreements_service
from accord.zones.models import Zone
from tests.factories import make_actor, make_agency, make_named

MEMBERS = ("SH", "JS", "ZJ", "AH")


@dataclass
class World:
    zone: Zone
    agencies: dict[str, Agency]
    investigators: dict[str, Actor]
    liaisons: dict[str, Actor]
    officers: dict[str, Actor]

    def ask(
        self, session: Session, by: str = "SH", to: str | None = "ZJ", **fields: Any
    ) -> AssistanceRequest:
        """Send a request from agency `by` to `to` (short names) and commit it."""
        data: dict[str, Any] = {
            "request_type": "locate",
            "urgency": "urgent",
            "title": "查找嫌疑人下落 Locate a suspect",
            "subjects": [{"kind": "person", "value": "110101199003071234", "name": "张伟"}],
            "case_reference": "沪公刑 2026-0815",
            **fields,
        }
        if to is not None and "zone" not in fields:
            data["addressee"] = self.agencies[to].code
        request = service.create_request(
            session, self.investigators[by], RequestIn.model_validate(data)
        )
        session.commit()
        return request


@pytest.fixture
def world(session: Session, frozen_clock: FrozenClock) -> World:
    agencies = make_named(session, "SH", "JS", "ZJ", "AH", "PD", "HZ", "HAN")
    agencies["NB"] = make_agency(
        session,
        code="330200",
        prefix="ZJNB",
        name_zh="宁波市公安局",
        name_en="Ningbo PSB",
        level="city",
        parent="330000",
    )
    system = Actor.system()
    zone = zones_service.create_zone(
        session,
        system,
        code="YRD",
        name_zh="长三角",
        name_en="Yangtze River Delta",
        fields=["criminal_investigation"],
        founded_on=date(2019, 5, 22),
        members=["310000", "320000", "330000", "340000"],
        secretariat="310000",
    )
    session.commit()
    secretariat = make_actor(agencies["SH"], Role.SECRETARIAT, username="sec", zone_id=zone.id)
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
            "rules": [{"data_kind": "assistance_request", "mode": "full", "handling_code": "H0"}],
        },
    )
    session.commit()
    for name in MEMBERS:
        director = make_actor(
            agencies[name], Role.DIRECTOR, username=f"{name.lower()}.director", zone_id=zone.id
        )
        agreements_service.sign(session, director, agreement.versions[0])
    session.commit()

    def actors(role: Role, suffix: str) -> dict[str, Actor]:
        return {
            name: make_actor(agency, role, username=f"{name.lower()}.{suffix}")
            for name, agency in agencies.items()
        }

    return World(
        zone=zone,
        agencies=agencies,
        investigators=actors(Role.INVESTIGATOR, "investigator"),
        liaisons=actors(Role.LIAISON, "liaison"),
        officers=actors(Role.OFFICER, "officer"),
    )
