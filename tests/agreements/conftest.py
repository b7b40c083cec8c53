"""Fixtures of the agreement tests: the Yangtze River Delta zone, its people, and drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.agreements import service
from accord.zones.agreements.models import Agreement, AgreementVersion
from accord.zones.models import Zone
from tests.factories import make_actor, make_named

TEXT_ZH = "第一条 情报共享\n第二条 追逃协作\n第三条 附则"
TEXT_EN = "Article 1 Intelligence sharing\nArticle 2 Fugitives\nArticle 3 Final provisions"
RULES: list[dict[str, Any]] = [
    {"data_kind": "alert.wanted_arrest", "mode": "full", "handling_code": "H0"},
    {
        "data_kind": "record.Person",
        "mode": "hit_no_hit",
        "handling_code": "H2",
        "include_subordinates": True,
    },
]


@dataclass
class Yrd:
    zone: Zone
    agencies: dict[str, Agency]
    secretariat: Actor
    directors: dict[str, Actor]


@pytest.fixture
def yrd(session: Session, frozen_clock: FrozenClock) -> Yrd:
    agencies = make_named(session, "SH", "JS", "ZJ", "AH", "PD", "LJZ", "HZ")
    zone = zones_service.create_zone(
        session,
        Actor.system(),
        code="YRD",
        name_zh="长三角",
        name_en="Yangtze River Delta",
        fields=["intelligence"],
        founded_on=date(2019, 5, 22),
        members=["310000", "320000", "330000", "340000"],
        secretariat="310000",
    )
    session.commit()
    directors = {
        name: make_actor(
            agencies[name], Role.DIRECTOR, username=f"{name.lower()}.director", zone_id=zone.id
        )
        for name in ("SH", "JS", "ZJ", "AH")
    }
    secretariat = make_actor(
        agencies["SH"], Role.SECRETARIAT, username="yrd.secretariat", zone_id=zone.id
    )
    return Yrd(zone, agencies, secretariat, directors)


def make_draft(
    session: Session, yrd: Yrd, *, effective_on: date | None = date(2026, 11, 23), **more: Any
) -> Agreement:
    """A committed agreement whose version 1 is a draft ready to sign."""
    changes: dict[str, Any] = {
        "text_zh": TEXT_ZH,
        "text_en": TEXT_EN,
        "effective_on": effective_on,
        "review_on": date(2029, 11, 23),
        "public": True,
        "rules": RULES,
        **more,
    }
    agreement = service.create(
        session,
        yrd.secretariat,
        yrd.zone,
        title_zh="长三角警务合作协议",
        title_en="YRD Police Cooperation Agreement",
        changes=changes,
    )
    session.commit()
    return agreement


def sign_all(session: Session, yrd: Yrd, version: AgreementVersion) -> None:
    for director in yrd.directors.values():
        service.sign(session, director, version)
    session.commit()


def in_force(session: Session, yrd: Yrd, **more: Any) -> Agreement:
    agreement = make_draft(session, yrd, **more)
    sign_all(session, yrd, agreement.versions[0])
    return agreement


def actions(session: Session, object_id: str) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )
