"""Fixtures of the series tests: the records tests' Yangtze River Delta world (persons shared
hit/no-hit only, cases, accounts, payments and vehicles in full), with

- a telecom-fraud ring over four agencies: Shanghai's and Jiangsu's cases mention the same
  fraudster's phone (Jiangsu's suspect's own number) and pay into the same receiving account;
  Anhui's case reaches the same account number through a BankAccount of its own; Zhejiang's
  case shares nothing but its suspect, Shanghai's suspect under his pinyin name and 15-digit
  ID: it joins the ring only once linkage resolves him;
- a late Anhui case (`LATE_LINES`) mentioning the fraudster's phone, for incremental runs;
- a lone case (its own suspect and phone, and the bank hotline);
- unrelated cases everywhere that mention the bank's hotline 95588, and nothing else in common.

`share_ring`, `share_lone`, `share_hotline` import them (each agency as its investigator) and
`resolve` runs linkage; the `scenario` fixture does all of it. The builders (`person`, `event`,
`account`, `payment`, `link`, `vehicle`) make more lines for a test's own cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.orm import Session

from accord import wiring
from accord.linkage import service as linkage_service
from accord.matching.identifiers import check_digit
from accord.records import changes as record_changes
from accord.security.actor import Actor
from accord.series import withdrawals as series_withdrawals
from tests.records.conftest import World, client, jsonl, make_zone, world  # noqa: F401

SYSTEM = Actor.system("test")

RING_PHONE = "+8613955550001"  # the fraudster's number (Shanghai mentions it, Jiangsu's suspect)
RING_ACCOUNT = "6222000011112222"  # the receiving account (Shanghai, Jiangsu, Anhui)
HOTLINE = "95588"  # a bank's public hotline: unrelated cases everywhere mention it
_BODY = "44030119881102561"  # 李强, born 1988-11-02
SUSPECT_ID = _BODY + check_digit(_BODY)
SUSPECT_ID_15 = SUSPECT_ID[:6] + SUSPECT_ID[8:17]  # the first-generation form Zhejiang has


def _props(props: dict[str, str | list[str]]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in props.items()}


def person(entity_id: str, **props: str | list[str]) -> dict[str, Any]:
    return {"id": entity_id, "schema": "Person", "properties": _props(props)}


def event(entity_id: str, **props: str | list[str]) -> dict[str, Any]:
    """A case: `name`, `date`, `involved`, `organizer`, `phoneMentioned` ..."""
    return {"id": entity_id, "schema": "Event", "properties": _props(props)}


def account(entity_id: str, number: str) -> dict[str, Any]:
    return {"id": entity_id, "schema": "BankAccount", "properties": {"accountNumber": [number]}}


def payment(entity_id: str, **props: str | list[str]) -> dict[str, Any]:
    return {"id": entity_id, "schema": "Payment", "properties": _props(props)}


def vehicle(entity_id: str, plate: str) -> dict[str, Any]:
    return {"id": entity_id, "schema": "Vehicle", "properties": {"registrationNumber": [plate]}}


def link(entity_id: str, case: str, target: str, role: str = "receiving account") -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": "UnknownLink",
        "properties": {"subject": [case], "object": [target], "role": [role]},
    }


# The ring. Shanghai and Jiangsu both call their case `case-101` (exports qualify it).
RING_LINES: dict[str, list[dict[str, Any]]] = {
    "SH": [
        person("sh-p1", name="李强", birthDate="1988-11-02", idNumber=SUSPECT_ID, gender="male"),
        person("sh-v1", name="赵敏", phone="13700000001"),  # the victim
        account("sh-acc1", "6222 0000 1111 2222"),
        payment(
            "sh-pay1",
            payer="sh-v1",
            beneficiary="sh-p1",
            beneficiaryAccount="sh-acc1",
            amount="38600.00",
            currency="CNY",
            date="2026-09-03",
        ),
        event(
            "case-101",
            name="冒充客服退款诈骗案",
            date="2026-09-03",
            involved=["sh-p1", "sh-v1"],
            organizer="sh-p1",
            phoneMentioned=["139-5555-0001", HOTLINE],
        ),
        link("sh-l1", "case-101", "sh-pay1", "victim payment"),
    ],
    "JS": [
        person("js-p1", name="王芳", birthDate="1991-04-17", phone="+86 139 5555 0001"),
        person("js-v1", name="刘洋", phone="13700000002"),
        account("js-acc1", "6222000011112222"),
        payment(
            "js-pay1",
            payer="js-v1",
            beneficiary="js-p1",
            beneficiaryAccount="js-acc1",
            amount="12000.00",
            currency="CNY",
            date="2026-09-10",
        ),
        event(
            "case-101",
            name="冒充公检法诈骗案",
            date="2026-09-10",
            involved=["js-p1", "js-v1"],
            organizer="js-p1",
            phoneMentioned="+86 139 5555 0001",  # the victim was called from it
        ),
        link("js-l1", "case-101", "js-pay1", "victim payment"),
    ],
    "ZJ": [
        person("zj-p1", name="LI Qiang", idNumber=SUSPECT_ID_15, gender="male"),
        event("zj-7", name="网络刷单诈骗案", date="2026-09-20", involved="zj-p1"),
    ],
    "AH": [
        person("ah-p1", name="孙磊", birthDate="1985-01-30", phone="13600000003"),
        account("ah-acc1", "6222-0000-1111-2222"),
        event("ah-3", name="虚假投资理财诈骗案", date="2026-10-02", involved="ah-p1"),
        link("ah-l1", "ah-3", "ah-acc1"),
    ],
}
# The ring's cases as (agency short name, entity id).
RING_CASES = [("SH", "case-101"), ("JS", "case-101"), ("ZJ", "zj-7"), ("AH", "ah-3")]

LONE_CASE = ("JS", "js-lone")
LONE_LINES = [
    person("js-p9", name="周杰", birthDate="1979-12-01", phone="13800000009"),
    event("js-lone", name="盗窃案", date="2026-10-05", involved="js-p9", phoneMentioned=HOTLINE),
]

# A case joining the ring later (Anhui, through the fraudster's phone): the incremental update.
LATE_CASE = ("AH", "ah-9")
LATE_LINES = [
    person("ah-p9", name="吴刚", birthDate="1993-06-06"),
    event(
        "ah-9",
        name="冒充客服诈骗案",
        date="2026-11-01",
        involved="ah-p9",
        phoneMentioned="+86 139 5555 0001",
    ),
]

HOTLINE_AGENCIES = ("SH", "JS", "ZJ", "AH")


def hotline_lines(agency: str, index: int) -> list[dict[str, Any]]:
    """An unrelated case of `agency` with its own suspect and phone, mentioning the hotline."""
    tag = f"{agency.lower()}-h{index}"
    n = HOTLINE_AGENCIES.index(agency) + 1
    return [
        person(f"{tag}-p", name=f"嫌疑人{agency}{index}", phone=f"135{n}{index:07d}"),
        event(
            tag,
            name=f"诈骗案 {tag}",
            date=f"2026-08-{index + 1:02d}",
            involved=f"{tag}-p",
            phoneMentioned=[HOTLINE, f"151{n}{index:07d}"],
        ),
    ]


@dataclass
class Scenario:
    """What a test shared: (agency short name, case entity id) of each part."""

    world: World
    ring: list[tuple[str, str]] = field(default_factory=list)
    lone: tuple[str, str] | None = None
    hotline: list[tuple[str, str]] = field(default_factory=list)

    def case(self, session: Session, agency: str, entity_id: str) -> Any:
        return self.world.record(session, agency, entity_id)


def share_ring(
    session: Session,
    world: World,  # noqa: F811  (a parameter, not the fixture)
    agencies: tuple[str, ...] = ("SH", "JS", "ZJ", "AH"),
) -> list[tuple[str, str]]:
    """The ring's lines of `agencies`; returns their cases."""
    for name in agencies:
        world.share(session, name, RING_LINES[name])
    return [c for c in RING_CASES if c[0] in agencies]


def share_lone(session: Session, world: World) -> tuple[str, str]:  # noqa: F811
    world.share(session, LONE_CASE[0], LONE_LINES)
    return LONE_CASE


def share_hotline(
    session: Session,
    world: World,  # noqa: F811
    per_agency: int = 2,
) -> list[tuple[str, str]]:
    """`per_agency` unrelated hotline cases in each of the four YRD agencies."""
    cases = []
    for name in HOTLINE_AGENCIES:
        lines = []
        for i in range(per_agency):
            lines.extend(hotline_lines(name, i))
            cases.append((name, f"{name.lower()}-h{i}"))
        world.share(session, name, lines)
    return cases


def resolve(session: Session) -> None:
    """Run linkage over the shared Person records (committed)."""
    linkage_service.run(session, SYSTEM)
    session.commit()


@pytest.fixture(autouse=True)
def _wired() -> None:
    wiring.wire()  # the records hooks linkage (and series) register into, as the app does
    # A withdrawn case leaves its series at once (accord.wiring registers it; kept here too so
    # that the tests do not depend on the order the wiring lands in).
    if series_withdrawals.withdrawn not in record_changes.ON_WITHDRAW:
        record_changes.ON_WITHDRAW.append(series_withdrawals.withdrawn)


@pytest.fixture
def scenario(session: Session, world: World) -> Scenario:  # noqa: F811  (the fixture above)
    """The ring, the lone case and the hotline cases shared, and linkage run once."""
    found = Scenario(world=world)
    found.ring = share_ring(session, world)
    found.lone = share_lone(session, world)
    found.hotline = share_hotline(session, world)
    resolve(session)
    return found
