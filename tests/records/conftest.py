"""Fixtures of the shared-records tests: the Yangtze River Delta (Shanghai, Jiangsu, Zhejiang,
Anhui) whose agreement shares persons as hit/no-hit only, cases (Event, and the links under its
rule) in full under H1, bank accounts and payments in full, vehicles in full under H2, and no
addresses; a second zone of Jiangsu and Zhejiang alone that shares persons in full; Pudong under
Shanghai and Hangzhou under Zhejiang (not members themselves); Hanoi outside every zone. Each
agency has an investigator (shares), an analyst and an officer (reads)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core.clock import FrozenClock
from accord.records import service
from accord.records.imports import Defaults, ImportResult
from accord.security.actor import Actor, Role
from accord.web.app import create_app
from accord.zones import service as zones_service
from accord.zones.agreements import service as agreements_service
from accord.zones.models import Zone
from tests.factories import make_actor, make_agency, make_named

YRD_RULES = [
    {"data_kind": "record.Person", "mode": "hit_no_hit", "handling_code": "H0"},
    {"data_kind": "record.Event", "mode": "full", "handling_code": "H1"},
    {"data_kind": "record.BankAccount", "mode": "full", "handling_code": "H0"},
    {"data_kind": "record.Payment", "mode": "full", "handling_code": "H0"},
    {"data_kind": "record.Vehicle", "mode": "full", "handling_code": "H2"},
]
PAIR_RULES = [{"data_kind": "record.Person", "mode": "full", "handling_code": "H0"}]

# Shanghai's case: a fraud with a suspect (legacy 15-digit ID), his card, a payment, a car.
SH_LINES = [
    {
        "id": "p1",
        "schema": "Person",
        "properties": {
            "name": ["张伟"],
            "birthDate": ["1990-03-07"],
            "idNumber": ["110101900307123"],
            "nationality": ["CN"],
            "phone": ["138 1234 5678"],
            "gender": ["male"],
        },
    },
    {
        "id": "acc1",
        "schema": "BankAccount",
        "properties": {"accountNumber": ["6222 0212 3456 7890"], "bankName": ["ICBC"]},
    },
    {
        "id": "case1",
        "schema": "Event",
        "properties": {
            "name": ["电信诈骗案 2026-001"],
            "date": ["2026-10-01"],
            "involved": ["p1"],
            "phoneMentioned": ["13812345678", "95588"],
        },
    },
    {
        "id": "pay1",
        "schema": "Payment",
        "properties": {
            "payer": ["p1"],
            "payerAccount": ["acc1"],
            "amount": ["50000"],
            "currency": ["CNY"],
            "date": ["2026-10-02"],
        },
    },
    {
        "id": "car1",
        "schema": "Vehicle",
        "properties": {"registrationNumber": ["沪A·12345"], "model": ["Buick GL8"]},
    },
    {
        "id": "link1",
        "schema": "UnknownLink",
        "properties": {"subject": ["case1"], "object": ["pay1"], "role": ["赃款转账"]},
    },
    {
        "id": "link2",
        "schema": "UnknownLink",
        "properties": {"subject": ["case1"], "object": ["car1"], "role": ["作案车辆"]},
    },
]

# Zhejiang's case: the same man in Latin letters, his 18-digit ID; the same id p1 as Shanghai.
ZJ_LINES = [
    {
        "id": "p1",
        "schema": "Person",
        "properties": {
            "name": ["ZHANG Wei"],
            "idNumber": ["110101199003071233"],
            "phone": ["+86 138-1234-5678"],
            "nationality": ["CN"],
        },
    },
    {
        "id": "zj-case-7",
        "schema": "Event",
        "properties": {"name": ["网络诈骗案 ZJ-7"], "involved": ["p1"], "date": ["2026-09-12"]},
    },
]


def jsonl(lines: Sequence[dict[str, Any]]) -> list[str]:
    return [json.dumps(line, ensure_ascii=False) for line in lines]


@dataclass
class World:
    zone: Zone
    pair: Zone
    agencies: dict[str, Agency]
    investigators: dict[str, Actor]
    analysts: dict[str, Actor]
    officers: dict[str, Actor]

    def share(
        self,
        session: Session,
        by: str,
        lines: Sequence[dict[str, Any] | str],
        defaults: Defaults | None = None,
    ) -> ImportResult:
        """Agency `by` (short name) imports `lines` as its investigator; committed."""
        texts = [ln if isinstance(ln, str) else json.dumps(ln, ensure_ascii=False) for ln in lines]
        result = service.import_lines(
            session,
            self.investigators[by],
            agency=self.agencies[by],
            lines=texts,
            defaults=defaults,
        )
        session.commit()
        return result

    def record(self, session: Session, by: str, entity_id: str) -> Any:
        return service.find_by_entity(session, self.agencies[by], entity_id)


def make_zone(
    session: Session,
    agencies: dict[str, Agency],
    *,
    code: str,
    members: Sequence[str],
    rules: list[dict[str, Any]],
) -> Zone:
    """A zone of `members` (short names) with an agreement in force carrying `rules`."""
    first = agencies[members[0]]
    zone = zones_service.create_zone(
        session,
        Actor.system(),
        code=code,
        name_zh=f"{code} 合作区",
        name_en=f"{code} zone",
        fields=["criminal_investigation"],
        founded_on=date(2019, 5, 22),
        members=[agencies[m].code for m in members],
        secretariat=first.code,
    )
    session.commit()
    secretariat = make_actor(first, Role.SECRETARIAT, username=f"{code}.sec", zone_id=zone.id)
    agreement = agreements_service.create(
        session,
        secretariat,
        zone,
        title_zh=f"{code} 协议",
        title_en=f"{code} agreement",
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
    for name in members:
        director = make_actor(
            agencies[name], Role.DIRECTOR, username=f"{code}.{name}.director", zone_id=zone.id
        )
        agreements_service.sign(session, director, agreement.versions[0])
    session.commit()
    return zone


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
    zone = make_zone(
        session, agencies, code="YRD", members=["SH", "JS", "ZJ", "AH"], rules=YRD_RULES
    )
    pair = make_zone(session, agencies, code="JZ", members=["JS", "ZJ"], rules=PAIR_RULES)

    def actors(role: Role, suffix: str) -> dict[str, Actor]:
        return {
            name: make_actor(agency, role, username=f"{name.lower()}.{suffix}")
            for name, agency in agencies.items()
        }

    return World(
        zone=zone,
        pair=pair,
        agencies=agencies,
        investigators=actors(Role.INVESTIGATOR, "investigator"),
        analysts=actors(Role.ANALYST, "analyst"),
        officers=actors(Role.OFFICER, "officer"),
    )


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    """The application answering from the test's session (as the suite's own `client`)."""
    from tests.conftest import _KeepOpen

    app = create_app(engine=engine)
    app.state.sessionmaker = app.state.write_sessionmaker = lambda: _KeepOpen(session)
    with TestClient(app) as test_client:
        yield test_client
