"""Statistics of assistance requests: every figure of a small zone checked exactly (counts,
shares, medians, overdue, outcomes, monthly series), the period's Beijing-time edges, members
acting for the agencies below them (the nearest member, while a member), the CSV and JSON
exports, who may see which zone, bad input, and the page in both languages.

The requests and their SLA clocks are written directly with the ORM: the figures depend only on
the timestamps, statuses and clocks, which is what this builds by hand.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance import stats
from accord.assistance.models import AssistanceRequest
from accord.assistance.transitions import RequestStatus
from accord.core.clock import FrozenClock
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.deadlines.models import ClockPolicy, SlaClock
from accord.deadlines.transitions import SlaStatus
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.models import Zone
from tests.factories import act_as, make_actor, make_agency, make_named

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
S = RequestStatus
H = timedelta(hours=1)
MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Scene:
    zone: Zone
    other_zone: Zone
    agencies: dict[str, Agency]
    actors: dict[str, Actor]
    requests: dict[str, AssistanceRequest]


def _request(
    session: Session,
    a: dict[str, Agency],
    key: str,
    by: str,
    to: str | None,
    *,
    at: datetime | None,
    kind: str = "locate",
    urgency: str = "urgent",
    status: RequestStatus = S.REQUESTED,
    accepted: datetime | None = None,
    completed: datetime | None = None,
    outcome: str | None = None,
    zone: Zone | None = None,
    parent: AssistanceRequest | None = None,
) -> AssistanceRequest:
    request = AssistanceRequest(
        id=uuid7(),
        reference=f"T-{key}",
        status=status,
        thread_id=parent.thread_id if parent else uuid7(),
        parent_id=parent.id if parent else None,
        zone_id=zone.id if zone else None,
        zone_mode="fan_out" if zone else None,
        request_type=kind,
        urgency=urgency,
        requesting_agency_id=a[by].id,
        requested_by=f"{by.lower()}.investigator",
        addressee_agency_id=a[to].id if to else None,
        handling_agency_id=a[to].id if to else None,
        title=f"request {key}",
        requested_at=at,
        received_at=at,
        accepted_at=accepted,
        completed_at=completed,
        closed_at=completed,
        outcome_code=outcome,
        outcome="done" if outcome else "",
    )
    session.add(request)
    session.flush()
    return request


def _clock(
    session: Session,
    request: AssistanceRequest,
    *,
    due: datetime,
    status: SlaStatus = SlaStatus.STOPPED,
    stopped: datetime | None = None,
    paused: datetime | None = None,
    escalated: datetime | None = None,
) -> None:
    assert request.requested_at is not None
    assert request.addressee_agency_id is not None
    session.add(
        SlaClock(
            id=uuid7(),
            object_type="assistance_request",
            object_id=request.id,
            agency_id=request.addressee_agency_id,
            policy=ClockPolicy.WALL,
            budget_seconds=int((due - request.requested_at).total_seconds()),
            status=status,
            started_at=request.requested_at,
            due_at=due,
            paused_at=paused,
            stopped_at=stopped,
            escalated_at=escalated,
            paused_total_seconds=0,
        )
    )


def _build(session: Session, a: dict[str, Agency], zone: Zone) -> dict[str, AssistanceRequest]:
    """The requests of the zone (see the module docstring of each figure's test for why)."""
    r: dict[str, AssistanceRequest] = {}

    def add(key: str, *args: Any, **kwargs: Any) -> AssistanceRequest:
        r[key] = _request(session, a, key, *args, **kwargs)
        return r[key]

    t = utc(2026, 10, 5, 1)  # Pudong (Shanghai) -> Zhejiang: done late
    add(
        "R1",
        "PD",
        "ZJ",
        at=t,
        accepted=t + 2 * H,
        completed=t + 10 * H,
        status=S.COMPLETED,
        outcome="achieved",
    )
    _clock(session, r["R1"], due=t + 8 * H, stopped=t + 10 * H)
    t = utc(2026, 10, 20)  # Shanghai -> Hangzhou (Zhejiang): done in time
    add(
        "R2",
        "SH",
        "HZ",
        at=t,
        kind="records_check",
        urgency="routine",
        accepted=t + 4 * H,
        completed=t + 24 * H,
        status=S.COMPLETED,
        outcome="partly",
    )
    _clock(session, r["R2"], due=utc(2026, 10, 29), stopped=t + 24 * H)
    t = utc(2026, 11, 2)  # Jiangsu -> Shanghai: rejected in time
    add("R3", "JS", "SH", at=t, kind="arrest_transfer", urgency="high", status=S.REJECTED)
    _clock(session, r["R3"], due=t + 72 * H, stopped=t + H)
    t = utc(2026, 11, 21, 16, 30)  # 22 Nov 00:30 in Beijing; Zhejiang -> Lujiazui (Shanghai)
    add("R4", "ZJ", "LJZ", at=t, kind="verify_identity", accepted=t + 6 * H, status=S.IN_PROGRESS)
    _clock(session, r["R4"], due=t + 8 * H, status=SlaStatus.RUNNING)  # past due now
    t = utc(2026, 11, 20)  # Anhui -> Jiangsu: waiting, due tomorrow
    add("R5", "AH", "JS", at=t, kind="collect_evidence", urgency="high")
    _clock(session, r["R5"], due=utc(2026, 11, 24), status=SlaStatus.RUNNING)
    t = utc(2026, 6, 15, 2)  # Jiangsu -> Zhejiang: escalated, then the deadline moved on
    add(
        "R6",
        "JS",
        "ZJ",
        at=t,
        kind="interview_witness",
        urgency="routine",
        accepted=utc(2026, 6, 16, 2),
        completed=utc(2026, 6, 26, 2),
        status=S.COMPLETED,
        outcome="achieved",
    )
    _clock(
        session,
        r["R6"],
        due=utc(2026, 6, 27),
        stopped=utc(2026, 6, 26, 2),
        escalated=utc(2026, 6, 24, 1),
    )
    t = utc(2026, 11, 10)  # Zhejiang -> Anhui: on hold, paused in time
    add(
        "R7",
        "ZJ",
        "AH",
        at=t,
        kind="joint_patrol",
        urgency="routine",
        accepted=t + 2 * H,
        status=S.ON_HOLD,
    )
    _clock(
        session, r["R7"], due=utc(2026, 11, 19), status=SlaStatus.PAUSED, paused=utc(2026, 11, 12)
    )
    t = utc(2026, 8, 3)  # Anhui -> Shanghai: on hold, paused when already late
    add(
        "R9",
        "AH",
        "SH",
        at=t,
        kind="query_account",
        urgency="high",
        accepted=t + 5 * H,
        status=S.ON_HOLD,
    )
    _clock(session, r["R9"], due=utc(2026, 8, 6), status=SlaStatus.PAUSED, paused=utc(2026, 8, 7))
    t = utc(2026, 9, 10)  # Shanghai -> the zone: the parent is a container of three children
    parent = add("P", "SH", None, at=t, status=S.IN_PROGRESS, zone=zone)
    add(
        "C1",
        "SH",
        "JS",
        at=t,
        accepted=t + H,
        completed=t + 5 * H,
        status=S.COMPLETED,
        outcome="achieved",
        zone=zone,
        parent=parent,
    )
    _clock(session, r["C1"], due=t + 8 * H, stopped=t + 5 * H)
    done = utc(2026, 9, 30, 17)  # 1 Oct 01:00 in Beijing
    add(
        "C2",
        "SH",
        "ZJ",
        at=t,
        accepted=t + 3 * H,
        completed=done,
        status=S.COMPLETED,
        outcome="not_achieved",
        zone=zone,
        parent=parent,
    )
    _clock(session, r["C2"], due=t + 8 * H, stopped=done)
    add("C3", "SH", "AH", at=t, status=S.REJECTED, zone=zone, parent=parent)
    _clock(session, r["C3"], due=t + 8 * H, stopped=t + H)
    # 1 Dec 00:30 in Beijing, still 30 Nov in UTC: inside the default period. No clock.
    add("X4", "JS", "ZJ", at=utc(2025, 11, 30, 16, 30), kind="records_check", urgency="routine")
    # 30 Nov 23:00 in Beijing: before the period, but completed inside it.
    t = utc(2025, 11, 30, 15)
    add(
        "X3",
        "SH",
        "JS",
        at=t,
        accepted=t + H,
        completed=utc(2025, 12, 2),
        status=S.COMPLETED,
        outcome="achieved",
    )
    _clock(session, r["X3"], due=t + 8 * H, stopped=utc(2025, 12, 2))
    # Not the zone's: inside Shanghai's own tree, to an agency outside, a draft, from outside.
    add("X1", "SH", "PD", at=utc(2026, 10, 1))
    add("X2", "PD", "MPS", at=utc(2026, 10, 1))
    add("X5", "JS", "ZJ", at=None, status=S.DRAFT)
    add("X6", "HAN", "SH", at=utc(2026, 10, 1))
    session.commit()
    return r


@pytest.fixture
def scene(session: Session, frozen_clock: FrozenClock) -> Scene:
    a = make_named(session, "SH", "JS", "ZJ", "AH", "PD", "LJZ", "HZ", "HAN")
    a["YN"] = make_agency(
        session,
        code="530000",
        prefix="YN",
        name_zh="云南省公安厅",
        name_en="Yunnan PSD",
        level="province",
        parent="MPS",
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
    other = zones_service.create_zone(
        session,
        system,
        code="LMC",
        name_zh="澜湄",
        name_en="Lancang-Mekong",
        fields=["drugs"],
        founded_on=date(2017, 12, 1),
        members=["530000", "VN-HAN"],
        secretariat="530000",
    )
    session.commit()
    actors = {
        "js.liaison": make_actor(a["JS"], Role.LIAISON, username="js.liaison"),
        "pd.commander": make_actor(a["PD"], Role.COMMANDER, username="pd.commander"),
        "js.officer": make_actor(a["JS"], Role.OFFICER, Role.INVESTIGATOR, username="js.officer"),
        "auditor": make_actor(a["MPS"], Role.AUDITOR, username="mps.auditor"),
        "admin": make_actor(None, Role.PLATFORM_ADMIN, username="admin"),
        "han.liaison": make_actor(a["HAN"], Role.LIAISON, username="han.liaison"),
        "lmc.secretariat": make_actor(
            a["YN"], Role.SECRETARIAT, username="lmc.sec", zone_id=other.id
        ),
    }
    return Scene(zone, other, a, actors, _build(session, a, zone))


def _stats(session: Session, scene: Scene, **kwargs: Any) -> stats.ZoneStats:
    return stats.zone_stats(session, scene.actors["js.liaison"], zone_code="YRD", **kwargs)


def _monthly(**points: tuple[int, int]) -> list[dict[str, Any]]:
    """The 12 default months, zero unless given as m2026_10=(sent, completed)."""
    given = {k[1:5] + "-" + k[6:]: v for k, v in points.items()}
    return [
        {"month": m, "sent": given.get(m, (0, 0))[0], "completed": given.get(m, (0, 0))[1]}
        for m in MONTHS
    ]


def _types(**counts: int) -> dict[str, int]:
    keys = [
        "arrest_transfer",
        "locate",
        "verify_identity",
        "records_check",
        "collect_evidence",
        "interview_witness",
        "freeze_account",
        "query_account",
        "joint_patrol",
    ]
    return {k: counts.get(k, 0) for k in keys}


def _urgencies(urgent: int = 0, high: int = 0, routine: int = 0) -> dict[str, int]:
    return {"urgent": urgent, "high": high, "routine": routine}


def _outcomes(achieved: int = 0, partly: int = 0, not_achieved: int = 0) -> dict[str, int]:
    return {"achieved": achieved, "partly": partly, "not_achieved": not_achieved, "unstated": 0}


# --- the figures -----------------------------------------------------------------------------


def test_the_zone_totals_over_the_default_period(session: Session, scene: Scene) -> None:
    result = _stats(session, scene)
    assert (result.zone, result.member) == ("YRD", None)
    # The last 12 months in Beijing: from the first of the month eleven months back to today.
    assert (result.since, result.until) == (date(2025, 12, 1), date(2026, 11, 23))
    assert [m.agency for m in result.members] == ["310000", "320000", "330000", "340000"]
    totals = result.totals.model_dump()
    # Twelve requests: not the zone parent, not X1 (inside Shanghai), X2 (to the Ministry),
    # X5 (a draft), X6 (from Hanoi), nor X3 (sent on 30 Nov, Beijing time).
    assert totals == {
        "sent": 12,
        "received": 12,
        "answered": 10,  # 8 accepted, R3 and C3 rejected; R5 and X4 not answered yet
        "accepted": 8,
        "accepted_share": 0.8,
        "median_hours_to_accept": 3.5,  # 1 2 2 3 | 4 5 6 24
        "completed": 5,
        "median_hours_to_complete": 24.0,  # 5 10 24 264 497
        "with_deadline": 11,  # X4 has no clock
        "overdue": 5,  # R1, C2 stopped late; R4 running late; R9 paused late; R6 escalated
        "overdue_share": 0.4545,
        "outcomes": _outcomes(achieved=3, partly=1, not_achieved=1),
        "sent_by_type": _types(
            arrest_transfer=1,
            locate=4,
            verify_identity=1,
            records_check=2,
            collect_evidence=1,
            interview_witness=1,
            query_account=1,
            joint_patrol=1,
        ),
        "received_by_type": totals["sent_by_type"],
        "sent_by_urgency": _urgencies(urgent=5, high=3, routine=4),
        "received_by_urgency": _urgencies(urgent=5, high=3, routine=4),
        # Completed: X3 on 2 Dec; R6; C1; R1, R2 and C2 (1 Oct in Beijing, 30 Sep in UTC).
        "monthly": _monthly(
            m2025_12=(1, 1),
            m2026_06=(1, 1),
            m2026_08=(1, 0),
            m2026_09=(3, 1),
            m2026_10=(2, 3),
            m2026_11=(4, 0),
        ),
    }


def test_each_member_counts_its_own_tree_and_answers_for_what_it_received(
    session: Session, scene: Scene
) -> None:
    members = {m.agency: m.model_dump() for m in _stats(session, scene).members}
    shanghai = members["310000"]
    # Sent R1 (by Pudong), R2, C1-C3; received R3, R4 (by Lujiazui, below Pudong) and R9.
    assert (shanghai["sent"], shanghai["received"]) == (5, 3)
    assert (shanghai["answered"], shanghai["accepted"], shanghai["accepted_share"]) == (
        3,
        2,
        0.6667,
    )
    assert shanghai["median_hours_to_accept"] == 5.5
    assert (shanghai["completed"], shanghai["median_hours_to_complete"]) == (0, None)
    assert (shanghai["with_deadline"], shanghai["overdue"], shanghai["overdue_share"]) == (
        3,
        2,
        0.6667,
    )
    assert shanghai["outcomes"] == _outcomes()
    assert shanghai["sent_by_type"] == _types(locate=4, records_check=1)
    assert shanghai["received_by_type"] == _types(
        arrest_transfer=1, verify_identity=1, query_account=1
    )
    assert shanghai["sent_by_urgency"] == _urgencies(urgent=4, routine=1)
    assert shanghai["received_by_urgency"] == _urgencies(urgent=1, high=2)
    assert shanghai["monthly"] == _monthly(m2026_09=(3, 0), m2026_10=(2, 0))

    jiangsu = members["320000"]
    assert {k: jiangsu[k] for k in _SCALARS} == {
        "sent": 3,
        "received": 2,
        "answered": 1,
        "accepted": 1,
        "accepted_share": 1.0,
        "median_hours_to_accept": 1.0,
        "completed": 1,
        "median_hours_to_complete": 5.0,
        "with_deadline": 2,
        "overdue": 0,
        "overdue_share": 0.0,
    }
    assert jiangsu["outcomes"] == _outcomes(achieved=1)
    # It completed X3 (sent before the period) in December and C1 in September.
    assert jiangsu["monthly"] == _monthly(
        m2025_12=(1, 1), m2026_06=(1, 0), m2026_09=(0, 1), m2026_11=(1, 0)
    )

    zhejiang = members["330000"]
    assert {k: zhejiang[k] for k in _SCALARS} == {
        "sent": 2,
        "received": 5,  # R1, R2 (to Hangzhou), R6, C2, X4
        "answered": 4,
        "accepted": 4,
        "accepted_share": 1.0,
        "median_hours_to_accept": 3.5,  # 2 3 4 24
        "completed": 4,
        "median_hours_to_complete": 144.0,  # 10 24 264 497
        "with_deadline": 4,
        "overdue": 3,
        "overdue_share": 0.75,
    }
    assert zhejiang["outcomes"] == _outcomes(achieved=2, partly=1, not_achieved=1)
    assert zhejiang["received_by_urgency"] == _urgencies(urgent=2, routine=3)
    assert zhejiang["monthly"] == _monthly(m2026_06=(0, 1), m2026_10=(0, 3), m2026_11=(2, 0))

    anhui = members["340000"]
    assert {k: anhui[k] for k in _SCALARS} == {
        "sent": 2,
        "received": 2,
        "answered": 2,
        "accepted": 1,
        "accepted_share": 0.5,
        "median_hours_to_accept": 2.0,
        "completed": 0,
        "median_hours_to_complete": None,
        "with_deadline": 2,
        "overdue": 0,  # R7 was paused before its deadline
        "overdue_share": 0.0,
    }
    assert sum(m["sent"] for m in members.values()) == 12
    assert sum(m["received"] for m in members.values()) == 12


_SCALARS = (
    "sent",
    "received",
    "answered",
    "accepted",
    "accepted_share",
    "median_hours_to_accept",
    "completed",
    "median_hours_to_complete",
    "with_deadline",
    "overdue",
    "overdue_share",
)


def test_the_period_ends_on_beijing_days(session: Session, scene: Scene) -> None:
    november = _stats(session, scene, since=date(2026, 11, 1), until=date(2026, 11, 21))
    # R3, R5 and R7; R4 was sent on 21 Nov in UTC but 22 Nov in Beijing.
    assert (november.totals.sent, november.totals.received) == (3, 3)
    assert [p.model_dump() for p in november.totals.monthly] == [
        {"month": "2026-11", "sent": 3, "completed": 0}
    ]
    assert november.totals.sent_by_type == _types(
        arrest_transfer=1, collect_evidence=1, joint_patrol=1
    )
    # From 3 Nov: R3 (2 Nov) is out too.
    later = _stats(session, scene, since=date(2026, 11, 3), until=date(2026, 11, 21))
    assert [p.model_dump() for p in later.totals.monthly] == [
        {"month": "2026-11", "sent": 2, "completed": 0}
    ]
    # Until 30 Nov 2025: X3 (23:00 in Beijing) is in, X4 (00:30 the next day) is not; its
    # completion on 2 Dec falls outside, so no month shows it, but it counts as completed.
    before = _stats(session, scene, until=date(2025, 11, 30))
    assert (before.since, before.until) == (date(2024, 12, 1), date(2025, 11, 30))
    assert (before.totals.sent, before.totals.completed) == (1, 1)
    assert before.totals.median_hours_to_complete == 33.0
    assert sum(p.completed for p in before.totals.monthly) == 0
    assert before.totals.monthly[-1].model_dump() == {"month": "2025-11", "sent": 1, "completed": 0}
    assert len(before.totals.monthly) == 12


def test_a_member_counts_only_while_it_is_one(session: Session, scene: Scene) -> None:
    zones_service.leave(session, Actor.system(), scene.zone, "340000", on=date(2026, 11, 1))
    session.commit()
    result = _stats(session, scene)
    # R5 (Anhui -> Jiangsu, 20 Nov) and R7 (Zhejiang -> Anhui, 10 Nov) are no longer the
    # zone's; R9 (August) is; C3 was sent to the zone, so it counts whoever is a member.
    assert result.totals.sent == 10
    anhui = next(m for m in result.members if m.agency == "340000")
    assert (anhui.sent, anhui.received) == (1, 1)
    jiangsu = next(m for m in result.members if m.agency == "320000")
    assert (jiangsu.sent, jiangsu.received) == (3, 1)


def test_an_agency_acts_under_the_nearest_member(session: Session, scene: Scene) -> None:
    zones_service.join(session, Actor.system(), scene.zone, "310115", on=date(2026, 1, 1))
    session.commit()
    result = _stats(session, scene)
    members = {m.agency: m for m in result.members}
    assert list(members) == ["310000", "310115", "320000", "330000", "340000"]
    # Pudong now answers for itself and Lujiazui: X1 (Shanghai -> Pudong) joins the zone's.
    assert result.totals.sent == 13
    assert (members["310115"].sent, members["310115"].received) == (1, 2)  # R1; X1, R4
    assert (members["310000"].sent, members["310000"].received) == (5, 2)  # R2, C1-3, X1; R3, R9


def test_the_longest_period(session: Session, scene: Scene) -> None:
    result = _stats(session, scene, since=date(2016, 12, 1))
    assert len(result.totals.monthly) == 120
    assert result.totals.sent == 13  # X3 too


def test_one_member(session: Session, scene: Scene) -> None:
    result = _stats(session, scene, member_code="330000")
    assert result.member == "330000"
    assert [m.agency for m in result.members] == ["330000"]
    assert result.members[0].received == 5
    assert result.totals.sent == 12  # the zone's figures come along for comparison


def test_no_requests_at_all(session: Session, scene: Scene) -> None:
    result = _stats(session, scene, since=date(2020, 1, 1), until=date(2020, 1, 31))
    assert result.totals.model_dump() | {"monthly": None} == {
        "sent": 0,
        "received": 0,
        "answered": 0,
        "accepted": 0,
        "accepted_share": None,
        "median_hours_to_accept": None,
        "completed": 0,
        "median_hours_to_complete": None,
        "with_deadline": 0,
        "overdue": 0,
        "overdue_share": None,
        "outcomes": _outcomes(),
        "sent_by_type": _types(),
        "received_by_type": _types(),
        "sent_by_urgency": _urgencies(),
        "received_by_urgency": _urgencies(),
        "monthly": None,
    }
    assert [p.model_dump() for p in result.totals.monthly] == [
        {"month": "2020-01", "sent": 0, "completed": 0}
    ]


# --- who may see, and bad input -----------------------------------------------------------


def test_who_sees_which_zone(session: Session, scene: Scene) -> None:
    def visible(name: str) -> list[str]:
        return [z.code for z in stats.visible_zones(session, scene.actors[name])]

    assert visible("js.liaison") == ["YRD"]
    assert visible("pd.commander") == ["YRD"]  # through Shanghai, the member above Pudong
    assert visible("auditor") == ["LMC", "YRD"]
    assert visible("admin") == ["LMC", "YRD"]
    assert visible("han.liaison") == ["LMC"]
    assert visible("lmc.secretariat") == ["LMC"]
    for name in ("auditor", "admin", "pd.commander"):
        stats.zone_stats(session, scene.actors[name], zone_code="YRD")
    stats.zone_stats(session, scene.actors["han.liaison"], zone_code="LMC")
    for name, zone in (
        ("js.liaison", "LMC"),
        ("han.liaison", "YRD"),
        ("lmc.secretariat", "YRD"),
        ("js.officer", "YRD"),  # front-line roles do not hold assist.stats
    ):
        with pytest.raises(policy.PermissionDenied):
            stats.zone_stats(session, scene.actors[name], zone_code=zone)
    with pytest.raises(policy.PermissionDenied):
        stats.visible_zones(session, scene.actors["js.officer"])


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"zone_code": "NOPE"}, "zone_not_found", "zone"),
        ({"member_code": "999999"}, "agency_not_found", "code"),
        ({"member_code": "310115"}, "not_a_member", "member"),  # Pudong is below a member
        ({"member_code": "530000"}, "not_a_member", "member"),  # Yunnan is another zone's
        ({"since": date(2026, 5, 2), "until": date(2026, 5, 1)}, "invalid_stats_period", "since"),
        ({"since": date(2016, 11, 30)}, "invalid_stats_period", "since"),  # 121 months
        ({"since": date(1, 1, 1)}, "invalid_stats_period", "since"),
        ({"until": date(9999, 12, 31)}, "invalid_stats_period", "until"),
    ],
)
def test_bad_input(
    session: Session, scene: Scene, kwargs: dict[str, Any], error: str, field: str
) -> None:
    with pytest.raises((InvalidInput, NotFound)) as caught:
        stats.zone_stats(session, scene.actors["js.liaison"], **{"zone_code": "YRD", **kwargs})
    assert (caught.value.code, caught.value.field) == (error, field)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-2-01", "20260201", "yesterday", "2026-02-30"])
def test_a_date_that_is_not_one(text: str) -> None:
    with pytest.raises(stats.InvalidStatsPeriod) as caught:
        stats.parse_day(text, "until")
    assert caught.value.field == "until"
    assert stats.parse_day(" ", "until") is None
    assert stats.parse_day("2026-02-28", "until") == date(2026, 2, 28)


# --- the API ---------------------------------------------------------------------------------


def test_the_json_export(client: TestClient, session: Session, scene: Scene) -> None:
    act_as(client, scene.actors["js.liaison"])
    answer = client.get("/api/v1/assistance/stats", params={"zone": "yrd"})
    assert answer.status_code == 200
    body = answer.json()
    assert body == json.loads(_stats(session, scene).model_dump_json())
    assert (body["since"], body["until"], body["totals"]["sent"]) == (
        "2025-12-01",
        "2026-11-23",
        12,
    )
    one = client.get(
        "/api/v1/assistance/stats",
        params={"zone": "YRD", "member": "330000", "since": "2026-10-01", "until": "2026-10-31"},
    ).json()
    assert one["member"] == "330000"
    assert [(m["agency"], m["received"], m["completed"]) for m in one["members"]] == [
        ("330000", 2, 2)  # R1 and R2
    ]
    assert one["members"][0]["monthly"] == [{"month": "2026-10", "sent": 0, "completed": 3}]


def test_the_csv_export(client: TestClient, scene: Scene) -> None:
    act_as(client, scene.actors["auditor"])
    answer = client.get("/api/v1/assistance/stats", params={"zone": "YRD", "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="assistance-stats-YRD-2025-12-01-2026-11-23.csv"'
    )
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["member"] for r in rows] == ["310000", "320000", "330000", "340000"]
    zhejiang = rows[2]
    assert {k: zhejiang[k] for k in ("name_zh", "name_en", "sent", "received")} == {
        "name_zh": "浙江省公安厅",
        "name_en": "Zhejiang PSD",
        "sent": "2",
        "received": "5",
    }
    assert {k: zhejiang[k] for k in _SCALARS[2:]} == {
        "answered": "4",
        "accepted": "4",
        "accepted_share": "1.0",
        "median_hours_to_accept": "3.5",
        "completed": "4",
        "median_hours_to_complete": "144.0",
        "with_deadline": "4",
        "overdue": "3",
        "overdue_share": "0.75",
    }
    assert rows[0]["median_hours_to_complete"] == ""  # Shanghai completed none
    assert (zhejiang["outcome_achieved"], zhejiang["outcome_partly"]) == ("2", "1")
    assert (zhejiang["received_urgent"], zhejiang["received_routine"]) == ("2", "3")
    assert (zhejiang["sent_type_verify_identity"], zhejiang["received_type_locate"]) == ("1", "2")
    header = answer.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["member", "name_zh", "name_en", "sent", "received"]
    assert len(rows[0]) == len(header) == 14 + 4 + 3 + 3 + 9 + 9
    one = client.get(
        "/api/v1/assistance/stats", params={"zone": "YRD", "member": "340000", "format": "csv"}
    )
    assert 'filename="assistance-stats-YRD-340000-' in one.headers["content-disposition"]
    assert [r["member"] for r in csv.DictReader(io.StringIO(one.text.lstrip("\ufeff")))] == [
        "340000"
    ]


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"zone": "NOPE"}, 404, "zone_not_found", "zone"),
        ({"zone": "YRD", "member": "999999"}, 404, "agency_not_found", "code"),
        ({"zone": "YRD", "member": "310115"}, 422, "not_a_member", "member"),
        ({"zone": "YRD", "since": "2026-05-02", "until": "2026-05-01"}, 422,
         "invalid_stats_period", "since"),
        ({"zone": "YRD", "since": "2026-02-30"}, 422, "invalid_stats_period", "since"),
        ({"zone": "YRD", "until": "soon"}, 422, "invalid_stats_period", "until"),
        ({"zone": "YRD", "format": "xml"}, 422, "invalid_input", "format"),
        ({}, 422, "invalid_input", "zone"),
    ],
)  # fmt: skip
def test_bad_input_answers_a_problem(
    client: TestClient, scene: Scene, params: dict[str, str], status: int, code: str, field: str
) -> None:
    act_as(client, scene.actors["js.liaison"])
    answer = client.get("/api/v1/assistance/stats", params=params)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == code
    assert problem["errors"][0]["field"] == field


def test_the_api_refuses_who_may_not_see(client: TestClient, scene: Scene) -> None:
    for name, zone in (("js.officer", "YRD"), ("js.liaison", "LMC"), ("han.liaison", "YRD")):
        act_as(client, scene.actors[name])
        answer = client.get("/api/v1/assistance/stats", params={"zone": zone})
        assert answer.status_code == 403, name
        assert answer.json()["code"] == "permission_denied"
    act_as(client, None)
    assert client.get("/api/v1/assistance/stats", params={"zone": "YRD"}).status_code == 401


# --- the page --------------------------------------------------------------------------------


def _chart_data(html: str) -> Any:
    found = re.search(r'id="stats-chart-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def _cells(html: str, agency: str) -> dict[str, str]:
    row = re.search(rf'<tr data-agency="{agency}">(.*?)</tr>', html, re.S)
    assert row, agency
    return dict(re.findall(r'<td class="n-([a-z-]+)">([^<]*)</td>', row.group(1)))


def test_the_page_in_english(client: TestClient, scene: Scene) -> None:
    act_as(client, scene.actors["js.liaison"])
    page = client.get("/assist/stats", headers=EN)
    assert page.status_code == 200
    html = page.text
    assert "Assistance statistics" in html
    assert '<option value="YRD" selected>' in html
    assert 'value="2025-12-01"' in html
    assert 'value="2026-11-23"' in html
    assert _cells(html, "330000") == {
        "sent": "2",
        "received": "5",
        "answered": "4",
        "accepted-share": "100.0%",
        "accept-hours": "3.5",
        "completed": "4",
        "complete-hours": "144.0",
        "overdue": "3 / 4",
        "overdue-share": "75.0%",
    }
    assert _cells(html, "310000")["complete-hours"] == "—"
    assert 'id="stats-totals"' in html
    assert '<dd id="sum-overdue">45.5%</dd>' in html
    assert '<tr data-type="locate"><th scope="row">Locate a person</th><td>4</td><td>4</td>' in html
    assert '<th scope="row">Urgent</th><td>5</td>' in html
    assert "Partly achieved" in html
    assert '<script src="/static/vendor/echarts-6.1.0.min.js" defer></script>' in html
    assert 'src="/assist-assets/stats.js"' in html
    export = "/api/v1/assistance/stats?zone=YRD&amp;since=2025-12-01&amp;until=2026-11-23"
    assert f'<a href="{export}&amp;format=csv" id="stats-csv">' in html
    assert f'<a href="{export}" id="stats-json">' in html
    data = _chart_data(html)
    assert data["monthly"]["categories"] == MONTHS
    assert data["monthly"]["series"] == [
        {"name": "Sent", "data": [1, 0, 0, 0, 0, 0, 1, 0, 1, 3, 2, 4]},
        {"name": "Completed", "data": [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 3, 0]},
    ]
    assert data["members"]["categories"] == [
        "Shanghai PSB",
        "Jiangsu PSD",
        "Zhejiang PSD",
        "Anhui PSD",
    ]
    assert data["members"]["series"][1] == {"name": "Received", "data": [3, 2, 5, 2]}
    assert data["types"]["categories"][:2] == ["Arrest and transfer a fugitive", "Locate a person"]
    assert data["outcomes"] == [
        {"name": "Achieved", "value": 3},
        {"name": "Partly achieved", "value": 1},
        {"name": "Not achieved", "value": 1},
    ]
    script = client.get("/assist-assets/stats.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "echarts.init" in script.text


def test_the_page_for_one_member_in_chinese(client: TestClient, scene: Scene) -> None:
    act_as(client, scene.actors["pd.commander"])
    page = client.get(
        "/assist/stats",
        params={"zone": "YRD", "member": "330000", "since": "2026-10-01", "until": "2026-10-31"},
        headers=ZH,
    )
    assert page.status_code == 200
    html = page.text
    assert '<html lang="zh-CN">' in html
    assert '<option value="330000" selected>330000 浙江省公安厅</option>' in html
    assert _cells(html, "330000")["received"] == "2"
    assert 'id="stats-totals"' not in html
    assert "member=330000&amp;since=2026-10-01&amp;until=2026-10-31&amp;format=csv" in html
    data = _chart_data(html)
    assert data["members"]["categories"] == ["浙江省公安厅"]
    assert [s["data"] for s in data["types"]["series"]] == [[0, 0], [1, 1]]  # locate, records


def test_the_page_shows_what_it_cannot_take(client: TestClient, scene: Scene) -> None:
    act_as(client, scene.actors["js.liaison"])
    page = client.get(
        "/assist/stats",
        params={"zone": "YRD", "since": "2026-05-02", "until": "2026-05-01"},
        headers=EN,
    )
    assert page.status_code == 422
    assert 'id="stats-error"' in page.text
    assert "since must not be after until" in page.text
    assert 'id="stats-members"' not in page.text
    assert '<option value="310000">' in page.text  # the form stays usable
    bad_member = client.get("/assist/stats", params={"zone": "YRD", "member": "310115"}, headers=EN)
    assert bad_member.status_code == 422
    assert "not a member of YRD" in bad_member.text
    other = client.get("/assist/stats", params={"zone": "LMC", "since": "x"}, headers=EN)
    assert other.status_code == 403  # the refusal comes before the form's mistake
    unknown = client.get("/assist/stats", params={"zone": "NOPE"}, headers=EN)
    assert unknown.status_code == 404
    act_as(client, scene.actors["js.officer"])
    assert client.get("/assist/stats", headers=EN).status_code == 403
