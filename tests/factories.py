"""Factories with keyword defaults: `make_agency(session, code="310000")` and named agencies."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency, Level
from accord.agencies.schemas import AgencyRecord
from accord.core.ids import uuid7
from accord.security import service as security_service
from accord.security import tokens as security_tokens
from accord.security.actor import Actor, Grant, Role
from accord.security.deps import optional_actor
from accord.security.service import NewUser

# The agencies most tests talk about, by their short names.
NAMED: dict[str, dict[str, Any]] = {
    "MPS": {
        "code": "MPS",
        "prefix": "MPS",
        "name_zh": "公安部",
        "name_en": "Ministry of Public Security",
        "level": "ministry",
    },
    "SH": {
        "code": "310000",
        "prefix": "SH",
        "name_zh": "上海市公安局",
        "name_en": "Shanghai PSB",
        "level": "province",
        "parent": "MPS",
    },
    "JS": {
        "code": "320000",
        "prefix": "JS",
        "name_zh": "江苏省公安厅",
        "name_en": "Jiangsu PSD",
        "level": "province",
        "parent": "MPS",
    },
    "ZJ": {
        "code": "330000",
        "prefix": "ZJ",
        "name_zh": "浙江省公安厅",
        "name_en": "Zhejiang PSD",
        "level": "province",
        "parent": "MPS",
    },
    "AH": {
        "code": "340000",
        "prefix": "AH",
        "name_zh": "安徽省公安厅",
        "name_en": "Anhui PSD",
        "level": "province",
        "parent": "MPS",
    },
    "HZ": {
        "code": "330100",
        "prefix": "ZJHZ",
        "name_zh": "杭州市公安局",
        "name_en": "Hangzhou PSB",
        "level": "city",
        "parent": "330000",
    },
    "PD": {
        "code": "310115",
        "prefix": "SHPD",
        "name_zh": "上海市公安局浦东分局",
        "name_en": "Pudong Branch",
        "level": "county",
        "parent": "310000",
    },
    "LJZ": {
        "code": "310115-001",
        "prefix": "SHPD01",
        "name_zh": "陆家嘴派出所",
        "name_en": "Lujiazui Police Station",
        "level": "station",
        "parent": "310115",
    },
    "HAN": {
        "code": "VN-HAN",
        "prefix": "VNHAN",
        "name_zh": "河内市公安局",
        "name_en": "Hanoi City Police",
        "level": "foreign_capital",
        "country": "VN",
        "timezone": "Asia/Ho_Chi_Minh",
    },
}


def record(**fields: Any) -> AgencyRecord:
    return AgencyRecord.model_validate(fields)


def make_agency(session: Session, **fields: Any) -> Agency:
    """Create (or update) one agency through the import rules; its parent must exist."""
    defaults: dict[str, Any] = {
        "prefix": "T" + fields.get("code", "X").replace("-", "")[:8],
        "level": Level.CITY,
    }
    rec = record(**{**defaults, **fields})
    agencies_service.import_records(session, [(1, rec)])
    session.commit()
    return agencies_service.get_by_code(session, rec.code)


def make_named(session: Session, *names: str) -> dict[str, Agency]:
    """The named agencies (parents included), by short name."""
    wanted = set(names or NAMED)
    parents = {
        "SH": "MPS",
        "JS": "MPS",
        "ZJ": "MPS",
        "AH": "MPS",
        "HZ": "ZJ",
        "PD": "SH",
        "LJZ": "PD",
    }
    for name in list(wanted):
        while name in parents:
            name = parents[name]
            wanted.add(name)
    records = [(i, record(**NAMED[n])) for i, n in enumerate(NAMED, start=1) if n in wanted]
    agencies_service.import_records(session, records)
    session.commit()
    return {n: agencies_service.get_by_code(session, NAMED[n]["code"]) for n in wanted}


def make_actor(
    agency: Agency | None,
    *roles: Role,
    username: str = "tester",
    include_subordinates: bool = False,
    zone_id: uuid.UUID | None = None,
    scopes: frozenset[str] | None = None,
    via: str = "test",
) -> Actor:
    """An actor of `agency` holding `roles` there (no user row; for service and route tests)."""
    agency_id = agency.id if agency else None
    grants = tuple(
        Grant(
            role=r, agency_id=agency_id, include_subordinates=include_subordinates, zone_id=zone_id
        )
        for r in roles
    )
    return Actor(
        user_id=uuid7(),
        username=username,
        display_name=username,
        agency_id=agency_id,
        agency_code=agency.code if agency else None,
        grants=grants,
        via=via,
        scopes=scopes,
    )


def act_as(client: TestClient, actor: Actor | None) -> None:
    """Make every following request of `client` come from `actor` (None: signed out)."""

    def _actor(request: Request) -> Actor | None:
        request.state.actor = actor
        return actor

    app = client.app
    assert isinstance(app, FastAPI)
    app.dependency_overrides[optional_actor] = _actor


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token a page hands its forms (the client keeps the matching cookie)."""
    import re

    page = client.get(path)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


PASSWORD = "correct-horse-battery-9"


def make_user(
    session: Session,
    username: str,
    agency_code: str,
    *roles: Role,
    include_subordinates: bool = False,
    password: str = PASSWORD,
) -> NewUser:
    """A real user (password hashed, TOTP secret when a role needs it), committed."""
    created = security_service.create_user(
        session,
        Actor.system("test-setup"),
        username=username,
        display_name=username.title(),
        agency_code=agency_code,
        email=f"{username}@example.gov.cn",
        password=password,
        roles=roles,
        include_subordinates=include_subordinates,
    )
    session.commit()
    return created


def bearer(session: Session, username: str, *scopes: str) -> dict[str, str]:
    """Authorization headers with a fresh API token of `username`."""
    user = security_service.get_user(session, username)
    issued = security_tokens.create(
        session,
        security_service.actor_for(user, via="test"),
        username=username,
        name="test",
        scopes=list(scopes) or ["*"],
    )
    session.commit()
    return {"Authorization": f"Bearer {issued.token}"}
