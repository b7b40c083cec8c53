"""Demo assistance requests: a year of cooperation in the four demo zones, so that inboxes,
threads and the statistics look like a working system.

About 400 requests (some 340 asked directly, the rest zone members' requests and forwards)
between members of the Yangtze River Delta, Beijing-Tianjin-Hebei, the North-West and ASEAN+3
zones (and a few inside one province), over the past year, of every type, urgency and
handling code, in every status: drafts; requests just sent, received, accepted, in progress or
on hold, some of them late; completed ones with each outcome code; rejected and cancelled ones.
Among them: requests to a whole zone (fanned out, and claimed by the first member), requests
reassigned to a city bureau, forwarded to a third agency (and, under H2, only after the
owner's permission, once refused), messages on the threads with read receipts, and one case
followed across four agencies.

Each request is made and moved by the real services under a clock set back to the moment of
each step, so references, SLA clocks, history, audit and notices tell one story; the deadline
sweep runs at the moments a request still open passed its reminder and its deadline, so late
requests were reminded and escalated when they fell due. The plan is drawn from a fixed seed,
so every load makes the same requests; their times count back from now.

Idempotent: a planned request already on file (same requesting agency, title and description)
is skipped, so a second run adds nothing. The words and the cast are in `demo_words`.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.agencies.models import Agency
from accord.assistance import clocks, moves, service, threads
from accord.assistance.demo_words import (
    BANKS,
    BUSY,
    CANCELS,
    CARD_BINS,
    CRIMES,
    CRIMES_EN,
    DEMO_STAFF,
    EXCHANGES,
    EXCHANGES_EN,
    FOREIGN_PEOPLE,
    FOREIGN_TEXTS,
    GIVEN,
    HOLDS,
    LEGAL,
    LEGAL_DEFAULT,
    LEGAL_FOREIGN,
    OUTCOMES,
    OUTCOMES_EN,
    PART_ROLES,
    PART_WORDS,
    PLACES,
    PLATE_CHARS,
    REGIONS,
    REJECTIONS,
    SPOTS,
    SURNAMES,
    TEXTS,
    ZONE_TREES,
)
from accord.assistance.models import AssistanceRequest
from accord.assistance.schemas import RequestIn
from accord.assistance.transitions import CLOSED, RequestStatus
from accord.core import clock
from accord.core.clock import FrozenClock, use_clock
from accord.core.errors import DomainError
from accord.deadlines import sweep as deadline_sweep
from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import SlaStatus
from accord.security import service as security_service
from accord.security.actor import Actor, Grant, Role
from accord.zones import service as zones_service

S = RequestStatus
SEED = 20260707
CHINA = zones_service.CHINA


def _rng(seed: int) -> random.Random:
    """A generator of demo words and times; the same seed, the same demo."""
    return random.Random(seed)  # noqa: S311  (demo data, not secrets)


# --- the plan -------------------------------------------------------------------------------


@dataclass
class Plan:
    """One planned request (to one agency or to a zone) and how its life went."""

    number: int
    zone: str
    requester: str
    addressee: str | None  # None: to the whole zone
    request_type: str
    urgency: str
    fate: str  # the status it ends in
    ago: timedelta  # sent this long before now
    handling_code: str = "H0"
    handling_text: str | None = None
    outcome_code: str | None = None
    cancel_stage: str = "requested"
    late: bool = False
    hold: bool = False
    exchanges: int = 0
    reassign_to: str | None = None
    forward_to: str | None = None
    permission: str | None = None  # "granted" or "refused" (H2: asked before forwarding)
    zone_mode: str = "fan_out"
    members: dict[str, str] = field(default_factory=dict)  # zone request: member -> fate
    claimed_by: str | None = None
    case: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the RequestIn's words


def _resident_id(rng: random.Random) -> str:
    born = datetime(1962, 1, 1, tzinfo=CHINA) + timedelta(days=rng.randrange(0, 40 * 365))
    body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _words(rng: random.Random, plan: Plan) -> None:
    """The title, description, legal basis and subjects of a planned request."""
    where = plan.addressee or plan.requester
    place = PLACES[where][0] if plan.addressee else ZONE_PLACES[plan.zone]
    year = (clock.now() - plan.ago).astimezone(CHINA).year
    prefix = PLACES[plan.requester][1]
    foreign = plan.zone == "ASEAN3"
    number = 1000 + plan.number * 7 + rng.randrange(7)
    case = plan.case or (
        f"{prefix}/CID/{year}/{number:04d}"
        if foreign
        else f"{prefix}（刑）立字〔{year}〕{number}号"
    )
    region = plan.requester[:3]
    values = {
        "place": place,
        "spot": rng.choice(SPOTS),
        "crime": rng.choice(CRIMES),
        "crime_en": rng.choice(CRIMES_EN),
        "plate": f"{PLATE_CHARS.get(region, '沪')}{rng.choice('ABCDEFGHK')}"
        f"{rng.choice('0123456789DF')}{rng.randrange(1000, 9999)}",
        "bank": rng.choice(BANKS),
        "account": f"{rng.choice(CARD_BINS)}{rng.randrange(10**12, 10**13)}",
        "phone": f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}",
    }
    subjects: list[dict[str, str]] = []
    kind = plan.request_type
    if foreign:
        home = plan.addressee or plan.requester
        name = rng.choice(FOREIGN_PEOPLE.get(home, FOREIGN_PEOPLE["VN-HAN"]))
        passport = f"{rng.choice('CEKMNPS')}{rng.randrange(10**6, 10**7)}{rng.randrange(10)}"
        values["name"] = name
        title, description = (t.format(**values) for t in FOREIGN_TEXTS[kind])
        legal = LEGAL_FOREIGN
        if kind in ("freeze_account", "query_account"):
            subjects.append({"kind": "account", "value": values["account"], "name": name})
        elif kind != "joint_patrol":
            subjects.append({"kind": "person", "value": passport, "name": name})
    else:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        values["name"] = name
        titles, descriptions = TEXTS[kind]
        pick = rng.randrange(len(titles))
        title = titles[pick].format(**values)
        description = descriptions[pick % len(descriptions)].format(**values)
        legal = LEGAL.get(kind, LEGAL_DEFAULT).format(
            prefix=prefix, year=year, n=number + 3, case=case
        )
        person = {"kind": "person", "value": _resident_id(rng), "name": name}
        if kind in ("arrest_transfer", "locate", "verify_identity", "interview_witness"):
            subjects.append(person)
            if kind in ("arrest_transfer", "locate") and rng.random() < 0.4:
                subjects.append({"kind": "phone", "value": values["phone"]})
        elif kind == "records_check":
            subjects.append(person if pick == 0 else {"kind": "vehicle", "value": values["plate"]})
        elif kind in ("freeze_account", "query_account"):
            subjects.append({"kind": "account", "value": values["account"], "name": name})
            if pick == 1:
                subjects.append(person)
        elif kind == "collect_evidence" and rng.random() < 0.5:
            subjects.append({"kind": "vehicle", "value": values["plate"]})
    plan.fields = {
        "title": title,
        "description": description,
        "legal_basis": legal,
        "case_reference": case,
        "subjects": subjects,
        "handling_code": plan.handling_code,
        "handling_text": plan.handling_text,
    }
    if kind in ("locate", "records_check") and rng.random() < 0.35:
        plan.fields["source_reliability"] = rng.choice("ABBC")
        plan.fields["information_accuracy"] = rng.choice("1223")
    plan.fields["_name"] = name
    plan.fields["_place"] = place
    plan.fields["_spot"] = values["spot"]


ZONE_PLACES = {"YRD": "长三角", "JJJ": "京津冀", "NW": "西北", "ASEAN3": "ASEAN+3"}
TYPES = tuple(TEXTS)
TYPE_WEIGHTS = (9, 14, 10, 14, 9, 7, 9, 9, 2)  # arrest, locate, verify, records, evidence, ...
FATES = (
    ("completed", 64),
    ("rejected", 7),
    ("cancelled", 7),
    ("draft", 2),
    ("requested", 2),
    ("received", 2),
    ("accepted", 2),
    ("in_progress", 6),
    ("on_hold", 3),
)
OPEN_FATES = ("requested", "received", "accepted", "in_progress", "on_hold")
ZONE_SHARE = (("YRD", 54), ("JJJ", 20), ("NW", 13), ("ASEAN3", 13))


def _pick(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _pair(rng: random.Random, zone: str) -> tuple[str, str]:
    """A requester and an addressee under two members of the zone (now and then inside one
    province, between a city and another city or its provincial department)."""
    trees = ZONE_TREES[zone]
    if zone != "ASEAN3" and rng.random() < 0.07:
        tree = trees[rng.choice([m for m, t in trees.items() if len(t) >= 2])]
        a, b = rng.sample(tree, 2)
        return a, b
    if zone == "YRD" and rng.random() < 0.6:
        addressee = rng.choice(BUSY)
    elif zone == "ASEAN3" and rng.random() < 0.3:
        addressee = "VN-HAN"  # han.liaison's inbox
    else:
        member = rng.choice(list(trees))
        addressee = member if rng.random() < 0.7 else rng.choice(trees[member])
    home = next(m for m, t in trees.items() if addressee in t)
    member = rng.choice([m for m in trees if m != home])
    requester = rng.choice(trees[member])
    return requester, addressee


def _ago(rng: random.Random, fate: str, urgency: str, late: bool) -> timedelta:
    """When a request that ends as `fate` was sent: closed ones over the past year (more of
    them lately), drafts and open ones lately, within their deadline unless `late`."""
    span: tuple[float, float]
    if fate == "draft":
        return timedelta(hours=rng.uniform(1, 72))
    if fate not in OPEN_FATES:
        return timedelta(days=6 + 358 * rng.random() ** 1.25, minutes=rng.randrange(1440))
    if late:
        span = {"urgent": (10, 30), "high": (80, 140), "routine": (20 * 24, 30 * 24)}[urgency]
    elif fate == "on_hold":
        # The clock stands still while on hold: some wait on the requester for weeks.
        span = {"urgent": (3, 7), "high": (20, 300), "routine": (48, 500)}[urgency]
    else:
        span = {"urgent": (0.5, 6.5), "high": (2, 60), "routine": (3, 110)}[urgency]
    return timedelta(hours=rng.uniform(*span))


def make_plan(now: datetime) -> list[Plan]:
    """The demo's requests, the same on every load (`now` only sets the years in words)."""
    rng = _rng(SEED)
    plans: list[Plan] = []
    with use_clock(FrozenClock(now)):
        for number in range(1, 311):
            zone = _pick(rng, ZONE_SHARE)
            requester, addressee = _pair(rng, zone)
            fate = _pick(rng, FATES)
            urgency = rng.choices(("urgent", "high", "routine"), weights=(2, 4, 6))[0]
            request_type = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
            late = (fate in OPEN_FATES and fate != "on_hold" and rng.random() < 0.12) or (
                fate == "completed" and rng.random() < 0.17
            )
            plan = Plan(
                number=number,
                zone=zone,
                requester=requester,
                addressee=addressee,
                request_type=request_type,
                urgency=urgency,
                fate=fate,
                ago=_ago(rng, fate, urgency, late),
                late=late,
                handling_code=rng.choices(("H0", "H1", "H2", "H3"), weights=(55, 28, 14, 3))[0],
                outcome_code=rng.choices(
                    ("achieved", "partly", "not_achieved"), weights=(64, 21, 15)
                )[0]
                if fate == "completed"
                else None,
                cancel_stage=rng.choice(("requested", "received", "accepted", "in_progress")),
                hold=fate in ("completed", "on_hold") and rng.random() < 0.3,
                exchanges=rng.choices((0, 1, 2), weights=(50, 35, 15))[0],
            )
            if plan.handling_code == "H3":
                plan.handling_text = (
                    "仅限承办单位办案使用，不得复制、转交 · For the handling unit only"
                )
            _words(rng, plan)
            plans.append(plan)
        plans.extend(_special(rng))
    return plans


def _special(rng: random.Random) -> list[Plan]:
    """Requests written out one by one: zone requests, reassignments, forwards with and
    without permission, one case across four agencies, and the demo users' urgent work."""
    day = timedelta(days=1)
    hour = timedelta(hours=1)
    out: list[Plan] = []

    def add(**kw: Any) -> Plan:
        plan = Plan(number=1000 + len(out), **kw)
        _words(rng, plan)
        out.append(plan)
        return plan

    # fmt: off

    # The acceptance story's kind: Shanghai asks Zhejiang, urgent, just sent.
    add(zone="YRD", requester="310115", addressee="330000", request_type="locate",
        urgency="urgent", fate="requested", ago=25 * timedelta(minutes=1))
    add(zone="YRD", requester="310115", addressee="330000", request_type="arrest_transfer",
        urgency="urgent", fate="in_progress", ago=3 * hour, exchanges=2)
    add(zone="YRD", requester="320500", addressee="310115", request_type="interview_witness",
        urgency="routine", fate="received", ago=20 * hour)
    add(zone="YRD", requester="330400", addressee="310115", request_type="collect_evidence",
        urgency="high", fate="in_progress", ago=30 * hour, exchanges=1)
    add(zone="YRD", requester="310115", addressee="320000", request_type="records_check",
        urgency="routine", fate="draft", ago=2 * hour)
    add(zone="YRD", requester="340100", addressee="330100", request_type="locate",
        urgency="high", fate="accepted", ago=9 * hour)
    # Reassigned inside the receiving agency.
    for to, fate, ago in (
        ("330100", "completed", 40 * day), ("330200", "completed", 95 * day),
        ("330100", "in_progress", 26 * hour), ("330400", "on_hold", 3 * day),
        ("310115", "completed", 120 * day), ("310115", "in_progress", 40 * hour),
    ):  # fmt: skip
        member = "330000" if to.startswith("33") else "310000"
        requester = rng.choice(("320000", "320500", "340000", "340100"))
        add(zone="YRD", requester=requester, addressee=member, request_type="locate",
            urgency="high", fate=fate, ago=ago, reassign_to=to,
            outcome_code="achieved" if fate == "completed" else None,
            hold=fate == "on_hold", exchanges=1)
    add(zone="JJJ", requester="110105", addressee="130000", request_type="records_check",
        urgency="routine", fate="completed", ago=60 * day, reassign_to="130100",
        outcome_code="achieved")
    # Forwards: as the handling code allows, and under H2 only with the owner's permission.
    add(zone="YRD", requester="310000", addressee="330000", request_type="locate",
        urgency="high", fate="completed", ago=75 * day, forward_to="340000",
        outcome_code="partly")
    add(zone="YRD", requester="320000", addressee="310000", request_type="records_check",
        urgency="routine", fate="completed", ago=50 * day, handling_code="H2",
        forward_to="330000", permission="granted", outcome_code="achieved")
    add(zone="YRD", requester="330000", addressee="320000", request_type="query_account",
        urgency="routine", fate="in_progress", ago=70 * hour, handling_code="H2",
        forward_to="340000", permission="refused")
    add(zone="YRD", requester="340000", addressee="310000", request_type="verify_identity",
        urgency="high", fate="in_progress", ago=20 * hour, handling_code="H2",
        forward_to="320000", permission="granted")
    add(zone="JJJ", requester="110000", addressee="120000", request_type="locate",
        urgency="urgent", fate="completed", ago=33 * day, forward_to="130000",
        outcome_code="partly")
    add(zone="ASEAN3", requester="VN-HAN", addressee="TH-BKK", request_type="locate",
        urgency="high", fate="completed", ago=80 * day, handling_code="H1",
        forward_to="KH-PNH", outcome_code="partly")
    # One telecom-fraud case of Pudong followed across four agencies (the linked view).
    case = f"沪浦公（刑）立字〔{(clock.now() - 12 * day).astimezone(CHINA).year}〕2317号"
    for to, kind, fate, outcome in (
        ("330000", "freeze_account", "completed", "achieved"),
        ("320000", "query_account", "in_progress", None),
        ("340000", "locate", "accepted", None),
        ("310104", "records_check", "completed", "partly"),
    ):  # fmt: skip
        add(zone="YRD", requester="310115", addressee=to, request_type=kind, urgency="high",
            fate=fate, ago=12 * day if fate == "completed" else 40 * hour, case=case,
            outcome_code=outcome, exchanges=1)
    # Requests to a whole zone.
    add(zone="YRD", requester="320500", addressee=None, request_type="records_check",
        urgency="routine", fate="completed", ago=150 * day,
        members={"310000": "completed", "330000": "completed", "340000": "completed"})
    add(zone="YRD", requester="340000", addressee=None, request_type="locate", urgency="urgent",
        fate="in_progress", ago=4 * hour, zone_mode="claim", claimed_by="330000")
    add(zone="YRD", requester="310000", addressee=None, request_type="joint_patrol",
        urgency="routine", fate="completed", ago=300 * day,
        members={"320000": "completed", "330000": "completed", "340000": "rejected"})
    add(zone="YRD", requester="330000", addressee=None, request_type="verify_identity",
        urgency="high", fate="in_progress", ago=28 * hour,
        members={"310000": "received", "320000": "in_progress", "340000": "requested"})
    add(zone="YRD", requester="310000", addressee=None, request_type="records_check",
        urgency="routine", fate="cancelled", ago=45 * day,
        members={"320000": "accepted", "330000": "received", "340000": "requested"})
    add(zone="JJJ", requester="110000", addressee=None, request_type="joint_patrol",
        urgency="high", fate="completed", ago=200 * day,
        members={m: "completed" for m in ZONE_TREES["JJJ"] if m != "110000"})
    add(zone="JJJ", requester="120000", addressee=None, request_type="arrest_transfer",
        urgency="urgent", fate="completed", ago=90 * day, zone_mode="claim",
        claimed_by="130000")
    add(zone="NW", requester="650000", addressee=None, request_type="records_check",
        urgency="routine", fate="completed", ago=130 * day,
        members={"610000": "completed", "620000": "completed", "630000": "completed",
                 "640000": "completed", "XPCC": "rejected"})
    add(zone="NW", requester="620000", addressee=None, request_type="locate", urgency="high",
        fate="requested", ago=7 * hour, zone_mode="claim")
    add(zone="ASEAN3", requester="KR-SEL", addressee=None, request_type="verify_identity",
        urgency="routine", fate="in_progress", ago=50 * hour,
        members={"VN-HAN": "in_progress", "TH-BKK": "completed", "KH-PNH": "accepted",
                 "PH-MNL": "received", "MY-KUL": "completed"})
    add(zone="ASEAN3", requester="TH-BKK", addressee=None, request_type="locate",
        urgency="high", fate="cancelled", ago=25 * day, zone_mode="claim")
    # fmt: on
    return out


# --- playing it -----------------------------------------------------------------------------

MINUTE = timedelta(minutes=1)
# Per urgency, in minutes, low and high: how long each step waits on the one before.
PACE: dict[str, dict[str, tuple[float, float]]] = {
    "urgent": {"receive": (2, 30), "accept": (3, 45), "start": (5, 40), "work": (60, 300),
               "talk": (5, 40), "hold_for": (30, 180), "late": (520, 900)},
    "high": {"receive": (10, 240), "accept": (20, 600), "start": (30, 720), "work": (360, 2880),
             "talk": (15, 240), "hold_for": (240, 1800), "late": (4400, 6500)},
    "routine": {"receive": (60, 1440), "accept": (120, 2880), "start": (60, 1440),
                "work": (1440, 8640), "talk": (60, 1440), "hold_for": (1440, 5760),
                "late": (15840, 25920)},
}  # fmt: skip
# The moves from sent to each status (cancel comes after the moves of its stage).
PATHS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "requested": (),
    "received": ("receive",),
    "accepted": ("receive", "accept"),
    "in_progress": ("receive", "accept", "start"),
    "on_hold": ("receive", "accept", "start", "hold"),
    "completed": ("receive", "accept", "start", "complete"),
    "rejected": ("receive", "reject"),
}
# Steps of the receiving side's liaison (the others: its officer, or the requester).
ROUTER_STEPS = frozenset({"receive", "accept", "reject", "reassign", "permission", "forward"})

Script = Iterator[datetime]  # a request's life: yields the moment of its next step


def schedule(plan: Plan, rng: random.Random) -> list[tuple[str, timedelta]]:
    """The steps of a request to one agency after it was sent, each with its wait."""
    pace = PACE[plan.urgency]

    def wait(step: str, share: float = 1.0) -> timedelta:
        return timedelta(minutes=rng.uniform(*pace[step]) * share)

    cancelled = plan.fate == "cancelled"
    path = (*PATHS[plan.cancel_stage], "cancel") if cancelled else PATHS[plan.fate]
    anchor = "start" if "start" in path else "receive" if "receive" in path else None
    out: list[tuple[str, timedelta]] = []
    for step in path:
        if step == "complete":
            out.append((step, wait("late" if plan.late else "work")))
        elif step in ("reject", "accept"):
            out.append((step, wait("accept")))
        elif step == "hold":
            out.append((step, wait("work", 0.4)))
        elif step == "cancel":
            out.append((step, wait("start")))
        else:
            out.append((step, wait(step)))
        if step == "receive" and plan.forward_to:
            if plan.permission:
                out += [("permission", 10 * MINUTE), ("answer_permission", wait("talk"))]
            if plan.permission in (None, "granted"):
                out.append(("forward", 15 * MINUTE))
        if step == "accept" and plan.reassign_to:
            out.append(("reassign", 20 * MINUTE))
        if step == anchor:
            for _ in range(plan.exchanges):
                out += [("ask", wait("talk")), ("answer", wait("talk"))]
            if plan.hold and plan.fate == "completed":
                out += [("hold", wait("work", 0.3)), ("resume", wait("hold_for"))]
    return out


def _span(steps: list[tuple[str, timedelta]]) -> timedelta:
    return sum((gap for _, gap in steps), timedelta())


class _Player:
    """Plays the plans through the services in the order things happened: every step of
    every request runs at its own moment, one after the other across all requests, so the
    deadline sweep sees at each moment exactly the requests of that moment."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.agencies = {a.code: a for a in session.scalars(select(Agency))}
        self.actors: dict[tuple[str, str], Actor] = {}
        self.queue: list[tuple[datetime, int, Script | None]] = []
        self.sweep_moments: set[datetime] = set()
        self.made = 0
        self.counter = 0
        # The sweep runs in sessions of its own; these join the loader's transaction through
        # savepoints, so the whole demo still commits (or not) as one.
        self.sweeps: sessionmaker[Session] = sessionmaker(
            bind=session.connection(),
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )

    # who

    def actor(self, code: str, part: str) -> Actor:
        key = (code, part)
        if key not in self.actors:
            self.actors[key] = self._demo_user(key) or self._staff(code, part)
        return self.actors[key]

    def _demo_user(self, key: tuple[str, str]) -> Actor | None:
        username = DEMO_STAFF.get(key)
        if username is None:
            return None
        try:
            user = security_service.get_user(self.session, username)
        except DomainError:
            return None
        return security_service.actor_for(user, via="demo")

    def _staff(self, code: str, part: str) -> Actor:
        """A member of the agency's staff without an account (the demo users are few)."""
        agency = self.agencies[code]
        foreign = agency.parent_id is None and code != "MPS"
        role = Role.LIAISON if foreign else PART_ROLES[part]
        username = f"{agency.prefix.lower()}.{'liaison' if foreign else PART_WORDS[part]}"
        return Actor(
            user_id=None,
            username=username,
            display_name=username,
            agency_id=agency.id,
            agency_code=agency.code,
            grants=(Grant(role=role, agency_id=agency.id),),
            via="demo",
        )

    # when

    def spawn(self, when: datetime, script: Script) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (when.replace(microsecond=0), self.counter, script))

    def run(self) -> None:
        """Play every step in the order of its moment."""
        while self.queue:
            when, _, script = heapq.heappop(self.queue)
            with use_clock(FrozenClock(when)):
                if script is None:
                    self._sweep(when)
                    continue
                try:
                    following = next(script)
                except StopIteration:
                    continue
            # Never into the future, whatever a script asks.
            self.spawn(min(max(following.replace(microsecond=0), when), self.now - MINUTE), script)

    def watch(self, request: AssistanceRequest) -> None:
        """Have the sweep run when the request's running clock comes to its reminder or its
        deadline, as the worker did then (moments within the last hour are the worker's)."""
        c = clocks.clock_of(self.session, request)
        if c is None or c.status is not SlaStatus.RUNNING:
            return
        limit = self.now - timedelta(hours=1)
        moments = []
        if c.reminded_at is None and c.remind_at is not None and c.remind_at < c.due_at:
            moments.append(c.remind_at + MINUTE)
        if c.escalated_at is None:
            moments.append(c.due_at + 5 * MINUTE)
        for moment in moments:
            if clock.now() < moment <= limit and moment not in self.sweep_moments:
                self.sweep_moments.add(moment)
                heapq.heappush(self.queue, (moment, -1, None))

    def _sweep(self, moment: datetime) -> None:
        self.session.flush()
        result = deadline_sweep.sweep(self.sweeps, now=moment)
        if result.reminded or result.escalated:
            # The sweep moved the clocks' versions in its own sessions.
            for obj in list(self.session.identity_map.values()):
                if isinstance(obj, SlaClock):
                    self.session.expire(obj)

    # what

    def start(self, plan: Plan) -> None:
        """Put a planned request on the timeline."""
        rng = _rng(SEED * 7919 + plan.number)
        steps = schedule(plan, rng) if plan.addressee else []
        t0 = self.now - plan.ago
        if plan.fate not in OPEN_FATES and plan.fate != "draft":
            if plan.urgency != "urgent":
                # Routine and high requests are written in office hours.
                local = t0.astimezone(CHINA)
                t0 = local.replace(hour=8 + rng.randrange(10)).astimezone(t0.tzinfo)
            # A closed request closed before now, with a day or two to spare.
            latest = self.now - timedelta(hours=2) - _span(steps) - 2 * _forward_span(plan)
            t0 = min(t0, latest - timedelta(minutes=rng.uniform(0, 2880)))
        self.spawn(t0, self._script(plan, steps, rng))

    def _script(self, plan: Plan, steps: list[tuple[str, timedelta]], rng: random.Random) -> Script:
        data = {k: v for k, v in plan.fields.items() if not k.startswith("_")}
        data.update(
            request_type=plan.request_type,
            urgency=plan.urgency,
            requesting_agency=plan.requester,
            draft=plan.fate == "draft",
        )
        if plan.addressee is None:
            data.update(zone=plan.zone, zone_mode=plan.zone_mode)
        else:
            data["addressee"] = plan.addressee
        request = service.create_request(
            self.session, self.actor(plan.requester, "request"), RequestIn.model_validate(data)
        )
        self.made += 1
        self.watch(request)
        if plan.fate == "draft":
            return
        if plan.addressee is None:
            yield from self._zone(plan, request, rng)
        else:
            yield from self._life(plan, request, steps, rng)

    def _life(
        self,
        plan: Plan,
        request: AssistanceRequest,
        steps: list[tuple[str, timedelta]],
        rng: random.Random,
    ) -> Script:
        """The moves of a request to one agency, each at its moment."""
        assert plan.addressee is not None
        t = clock.now()
        room, total = self.now - 5 * MINUTE - t, _span(steps)
        if total > room:
            # Squeeze the waits so the last step falls before now (a request still open, or
            # a zone member's or third agency's request of a recent one).
            steps = [(step, gap * (max(room, timedelta(0)) / total)) for step, gap in steps]
        router = self.actor(plan.addressee, "route")
        worker = self.actor(plan.addressee, "work")
        asker = self.actor(plan.requester, "request")
        foreign = plan.zone == "ASEAN3"
        exchange: tuple[str, str] = ("", "")
        asked = None
        for step, gap in steps:
            t += gap
            yield t
            if request.status in CLOSED:
                return  # closed meanwhile: a zone request taken by another member, withdrawn
            side = router if step in ROUTER_STEPS or request.status is S.RECEIVED else worker
            if step == "receive":
                service.read_request(self.session, router, request.reference)
            elif step == "accept":
                moves.accept(self.session, router, request)
            elif step == "reject":
                moves.reject(self.session, router, request, reason=rng.choice(REJECTIONS))
            elif step == "start":
                moves.start(self.session, worker, request)
            elif step == "hold":
                moves.hold(self.session, worker, request, reason=rng.choice(HOLDS))
            elif step == "resume":
                moves.resume(self.session, worker, request)
            elif step == "complete":
                threads.mark_read(self.session, worker, request)
                moves.complete(
                    self.session,
                    worker,
                    request,
                    outcome=self._outcome(plan, rng),
                    outcome_code=plan.outcome_code or "achieved",
                )
            elif step == "cancel":
                moves.cancel(self.session, asker, request, reason=rng.choice(CANCELS))
            elif step == "ask":
                exchange = rng.choice(EXCHANGES_EN if foreign else EXCHANGES)
                threads.mark_read(self.session, side, request)
                threads.post_message(self.session, side, request, body=exchange[0])
            elif step == "answer":
                threads.mark_read(self.session, asker, request)
                threads.post_message(self.session, asker, request, body=exchange[1])
            elif step == "reassign":
                assert plan.reassign_to is not None
                service.reassign(
                    self.session,
                    router,
                    request,
                    agency_code=plan.reassign_to,
                    unit="刑侦支队" if plan.reassign_to.endswith("00") else "刑侦大队",
                    note=f"交{PLACES[plan.reassign_to][0]}办理",
                )
                worker = self.actor(plan.reassign_to, "work")
            elif step == "permission":
                assert plan.forward_to is not None
                target = PLACES[plan.forward_to][0]
                asked = threads.ask_permission(
                    self.session,
                    router,
                    request,
                    agency_code=plan.forward_to,
                    body=f"线索显示涉案人员已前往{target}，申请将本请求转{target}协查。",
                )
            elif step == "answer_permission":
                assert asked is not None
                granted = plan.permission == "granted"
                threads.answer_permission(
                    self.session,
                    asker,
                    request,
                    asked.id,
                    grant=granted,
                    body="同意转交。" if granted else "涉及在侦线索，暂不扩大知悉范围，请勿转交。",
                )
            elif step == "forward":
                self._forward(plan, request, rng)
            self.watch(request)

    def _forward(self, plan: Plan, request: AssistanceRequest, rng: random.Random) -> None:
        """Pass the request on; the third agency then answers it in its own time."""
        assert plan.addressee is not None
        assert plan.forward_to is not None
        target = PLACES[plan.forward_to][0]
        forwarded = threads.forward(
            self.session,
            self.actor(plan.addressee, "route"),
            request,
            agency_code=plan.forward_to,
            note=f"涉案人员已前往{target}",
        )
        self.made += 1
        self.watch(forwarded)
        sub = Plan(
            number=plan.number + 500,
            zone=plan.zone,
            requester=plan.addressee,
            addressee=plan.forward_to,
            request_type=plan.request_type,
            urgency=plan.urgency,
            fate="completed" if plan.fate == "completed" else "accepted",
            ago=timedelta(0),
            outcome_code="achieved",
            fields=plan.fields,
        )
        steps = schedule(sub, _rng(SEED + plan.number))
        self.spawn(clock.now(), self._life(sub, forwarded, steps, rng))

    def _zone(self, plan: Plan, parent: AssistanceRequest, rng: random.Random) -> Script:
        """The members' requests of a zone request, each answered in its own time; the
        requester may withdraw the whole request meanwhile."""
        now = clock.now()
        children = moves.children_of(self.session, parent)
        self.made += len(children)
        for child in children:
            self.watch(child)
            member = child.addressee_agency.code if child.addressee_agency else ""
            if plan.zone_mode == "claim":
                if member != plan.claimed_by:
                    continue
                fate = "completed" if plan.fate == "completed" else "in_progress"
            else:
                fate = plan.members.get(member, "requested")
            sub = Plan(
                number=plan.number,
                zone=plan.zone,
                requester=plan.requester,
                addressee=member,
                request_type=plan.request_type,
                urgency=plan.urgency,
                fate=fate,
                ago=timedelta(0),
                outcome_code=rng.choices(("achieved", "partly", "not_achieved"), (6, 2, 2))[0],
                exchanges=1 if fate in ("completed", "in_progress") and rng.random() < 0.4 else 0,
                fields=plan.fields,
            )
            steps = schedule(sub, _rng(SEED * 31 + plan.number + len(member)))
            self.spawn(now, self._life(sub, child, steps, rng))
        if plan.fate != "cancelled":
            return
        yield now + timedelta(hours=rng.uniform(3, 20) if plan.zone_mode == "claim" else 108)
        if parent.status not in CLOSED:
            reason = (
                "The suspect was arrested in Bangkok; request withdrawn."
                if plan.zone == "ASEAN3"
                else rng.choice(CANCELS)
            )
            moves.cancel(self.session, self.actor(plan.requester, "request"), parent, reason=reason)

    def _outcome(self, plan: Plan, rng: random.Random) -> str:
        code = plan.outcome_code or "achieved"
        values = {
            "name": plan.fields["_name"],
            "place": plan.fields["_place"],
            "spot": plan.fields["_spot"],
            "day": (clock.now() - timedelta(days=1)).astimezone(CHINA).strftime("%m月%d日"),
        }
        if plan.zone == "ASEAN3":
            return OUTCOMES_EN[code].format(**values)
        return rng.choice(OUTCOMES[plan.request_type][code]).format(**values)


def _forward_span(plan: Plan) -> timedelta:
    """Room for the forwarded request's own life (a closed request's third agency too)."""
    if not plan.forward_to:
        return timedelta(0)
    return timedelta(minutes=PACE[plan.urgency]["work"][1] * 2)


def _on_file(session: Session) -> set[tuple[str, str, str]]:
    """(requesting agency code, title, description) of the requests on file that were asked
    directly (neither a zone's member request nor a forward)."""
    rows = session.execute(
        select(Agency.code, AssistanceRequest.title, AssistanceRequest.description)
        .join(Agency, Agency.id == AssistanceRequest.requesting_agency_id)
        .where(
            AssistanceRequest.parent_id.is_(None),
            AssistanceRequest.forwarded_from_id.is_(None),
        )
    )
    return {(code, title, description) for code, title, description in rows}


def load_demo(session: Session, loader: Actor) -> int:
    """Make the demo requests that are not on file yet (the zones, their agreements and the
    demo users must be loaded first; the caller commits). Returns how many requests were made
    (zone members' requests and forwards included); `loader` is the demo's own actor, kept for
    the signature the other demo loaders share (each request is made by its own officer)."""
    del loader
    now = clock.now().replace(microsecond=0)
    known = {a.code for a in session.scalars(select(Agency))}
    if not set(PLACES) <= known:
        return 0  # not the demo directory
    on_file = _on_file(session)
    player = _Player(session, now)
    for plan in make_plan(now):
        key = (plan.requester, plan.fields["title"], plan.fields["description"])
        if key in on_file:
            continue
        on_file.add(key)
        player.start(plan)
    player.run()
    session.flush()
    return player.made
