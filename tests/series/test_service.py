"""Series discovery over the database, on both databases: the hotline links nothing while the
ring's four cases form one series; a case joins only once linkage resolves its suspect; an
analyst's hub mark changes the series at once; a new import joins an existing series
incrementally (its key kept, its agencies told once); a withdrawn case leaves its series at
once; the list shows a reader only series with a case they may see."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.core.errors import DomainError
from accord.linkage import service as linkage_service
from accord.notify.models import OutboxMessage
from accord.records import service as records_service
from accord.security.policy import PermissionDenied
from accord.series import graph, hubs, reading, service, views
from accord.series.models import IdentifierMark, Series, SeriesCase, SeriesEvidence
from tests.series.conftest import (
    HOTLINE,
    HOTLINE_AGENCIES,
    LATE_CASE,
    LATE_LINES,
    RING_ACCOUNT,
    RING_LINES,
    SYSTEM,
    Scenario,
    World,
    event,
    hotline_lines,
    link,
    resolve,
    share_hotline,
    share_lone,
    share_ring,
    vehicle,
)

RING = ["310000:case-101", "320000:case-101", "ah-3", "zj-7"]


def series_of(session: Session) -> dict[str, list[str]]:
    """Series key -> its cases (qualified entity ids), from the export."""
    return {line["series"]: line["cases"] for line in service.export(session)}


def notices(session: Session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.event.like("series.%"))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )


def case_id(session: Session, world: World, agency: str, entity_id: str) -> str:
    return str(world.record(session, agency, entity_id).id)


def test_the_hotline_links_nothing_and_the_ring_is_one_series(
    session: Session, scenario: Scenario
) -> None:
    run = service.discover(session, SYSTEM)
    session.commit()
    assert (run.mode, run.cases, run.series) == ("full", 13, 1)
    assert run.hubs >= 1
    # Shanghai and Jiangsu both call their case case-101: the export qualifies it.
    assert series_of(session) == {"SR-000001": RING}
    row = session.scalars(select(Series)).one()
    assert (row.size, row.agencies, row.cross_regional) == (4, 4, True)
    assert (row.first_date, row.last_date) == (date(2026, 9, 3), date(2026, 10, 2))
    assert 0 < row.score <= 1
    evidence = session.scalars(select(SeriesEvidence)).all()
    assert {e.kind for e in evidence} == {"person", "phone", "account"}
    assert HOTLINE not in {e.value for e in evidence}
    assert ("account", RING_ACCOUNT) in {(e.kind, e.value) for e in evidence}
    # The lone case and the hotline cases are in no series.
    lone = scenario.case(session, "JS", "js-lone")
    assert session.get(SeriesCase, lone.id) is None
    assert all(
        session.get(SeriesCase, scenario.case(session, *c).id) is None for c in scenario.hotline
    )
    # The four agencies are told, by the key only; the run is on file.
    [told] = notices(session)
    assert (told.event, told.reference) == ("series.created", "SR-000001")
    assert "SR-000001" in told.title
    assert "诈骗" not in told.title
    assert set(told.recipients["agencies"]) == {
        str(scenario.world.agencies[a].id) for a in ("SH", "JS", "ZJ", "AH")
    }
    [audited] = session.scalars(select(AuditEvent).where(AuditEvent.action == "series.discover"))
    assert audited.detail["created"] == ["SR-000001"]
    # A second run on unchanged data changes nothing and tells nobody again.
    again = service.discover(session, SYSTEM, full=True)
    session.commit()
    assert series_of(session) == {"SR-000001": RING}
    assert len(notices(session)) == 1
    assert again.series == 1


def test_a_case_joins_the_ring_only_through_its_resolved_suspect(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    share_ring(session, world)
    service.discover(session, SYSTEM)  # before linkage: Zhejiang's LI Qiang is nobody known
    session.commit()
    assert series_of(session) == {"SR-000001": ["310000:case-101", "320000:case-101", "ah-3"]}
    frozen_clock.advance(timedelta(hours=1))
    resolve(session)
    run = service.discover(session, SYSTEM)
    session.commit()
    assert run.mode == "incremental"
    assert series_of(session) == {"SR-000001": RING}
    sh, zj = world.record(session, "SH", "case-101"), world.record(session, "ZJ", "zj-7")
    cluster = linkage_service.cluster_of(session, world.record(session, "ZJ", "zj-p1").id)
    assert cluster is not None
    paths = {
        (e.kind, e.value)
        for e in session.scalars(select(SeriesEvidence))
        if {e.left_id, e.right_id} == {sh.id, zj.id}
    }
    assert paths == {("person", cluster.key)}  # case -> person cluster -> case
    assert [n.event for n in notices(session)] == ["series.created", "series.grown"]


def test_an_analysts_hub_mark_changes_the_series_at_once(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock
) -> None:
    world = scenario.world
    service.discover(session, SYSTEM)
    session.commit()
    analyst = world.analysts["AH"]
    with pytest.raises(PermissionDenied):
        service.mark_identifier(
            session, world.investigators["AH"], kind="account", value=RING_ACCOUNT, hub=True,
            reason="bank's collection account",
        )  # fmt: skip
    with pytest.raises(DomainError) as no_reason:
        service.mark_identifier(
            session, analyst, kind="account", value=RING_ACCOUNT, hub=True, reason=" "
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as not_a_phone:
        service.mark_identifier(
            session, analyst, kind="phone", value="call me", hub=True, reason="x"
        )
    assert (not_a_phone.value.status, not_a_phone.value.field) == (422, "value")
    frozen_clock.advance(timedelta(minutes=5))
    # Anhui's case reaches the ring only through the receiving account: marked, it leaves.
    [mark] = service.mark_identifier(
        session, analyst, kind="account", value="6222 0000 1111 2222", hub=True,
        reason="a payment platform's collection account",
    )  # fmt: skip
    session.commit()
    assert (mark.kind, mark.value, mark.username) == ("account", RING_ACCOUNT, "ah.analyst")
    assert series_of(session) == {"SR-000001": ["310000:case-101", "320000:case-101", "zj-7"]}
    # A full run keeps the mark; unmarking brings the case back under the same key.
    service.discover(session, SYSTEM, full=True)
    session.commit()
    assert series_of(session)["SR-000001"] == ["310000:case-101", "320000:case-101", "zj-7"]
    frozen_clock.advance(timedelta(minutes=5))
    service.mark_identifier(
        session,
        analyst,
        kind="account",
        value=RING_ACCOUNT,
        hub=False,
        reason="checked: the gang's",
    )
    session.commit()
    assert series_of(session) == {"SR-000001": RING}
    assert hubs.marks_in_force(session) == {("account", RING_ACCOUNT): False}
    actions = [
        e.action
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("series.hub_%"))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    ]
    assert actions == ["series.hub_marked", "series.hub_unmarked"]
    assert len(session.scalars(select(IdentifierMark)).all()) == 2  # append-only
    # The hotline forced to be no hub: its cases link, and form series of their own.
    service.mark_identifier(
        session, analyst, kind="phone", value=HOTLINE, hub=False, reason="test of the override"
    )
    session.commit()
    placed = {c for cases in series_of(session).values() for c in cases if "-h" in c}
    assert len(placed) == len(scenario.hotline)


def test_a_new_import_joins_its_series_incrementally(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = scenario.world
    frozen_clock.advance(timedelta(minutes=1))  # the first run comes after linkage
    service.discover(session, SYSTEM)
    session.commit()
    touched: list[set[str] | None] = []
    real = graph.discover

    def spy(
        cases: Sequence[graph.CaseNode],
        *,
        marks: Any = None,
        touching: Collection[str] | None = None,
    ) -> graph.Discovery:
        touched.append(None if touching is None else set(touching))
        return real(cases, marks=marks, touching=touching)

    monkeypatch.setattr(graph, "discover", spy)
    frozen_clock.advance(timedelta(hours=2))
    world.share(session, LATE_CASE[0], LATE_LINES)
    frozen_clock.advance(timedelta(minutes=1))
    run = service.discover(session, SYSTEM)
    session.commit()
    assert run.mode == "incremental"
    assert series_of(session) == {"SR-000001": [*RING[:2], "ah-3", "ah-9", "zj-7"]}
    # Only the new case's component was recomputed (the ring's, which it joined).
    assert touched == [{case_id(session, world, *LATE_CASE)}]
    grown = notices(session)[-1]
    assert (grown.event, grown.reference) == ("series.grown", "SR-000001")
    assert set(grown.recipients["agencies"]) == {
        str(world.agencies[a].id) for a in ("SH", "JS", "ZJ", "AH")
    }
    # Nothing new since: no recomputation, nobody told twice.
    frozen_clock.advance(timedelta(hours=1))
    quiet = service.discover(session, SYSTEM)
    session.commit()
    assert (quiet.mode, len(touched), len(notices(session))) == ("incremental", 1, 2)
    assert quiet.hubs == run.hubs >= 1  # the hubs still stand, though nothing was recomputed


def test_a_withdrawn_case_leaves_its_series_at_once(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock
) -> None:
    world = scenario.world
    service.discover(session, SYSTEM)
    session.commit()
    js = world.record(session, "JS", "case-101")
    records_service.withdraw(session, world.investigators["JS"], js, "entered twice")
    session.commit()
    assert session.get(SeriesCase, js.id) is None
    assert series_of(session) == {"SR-000001": ["310000:case-101", "ah-3", "zj-7"]}
    row = session.scalars(select(Series)).one()
    assert (row.size, row.agencies) == (3, 3)
    assert not session.scalars(
        select(SeriesEvidence).where(
            (SeriesEvidence.left_id == js.id) | (SeriesEvidence.right_id == js.id)
        )
    ).all()
    # The next run recomputes the rest: still linked (an account, a resolved suspect).
    frozen_clock.advance(timedelta(hours=1))
    service.discover(session, SYSTEM)
    session.commit()
    assert series_of(session) == {"SR-000001": ["310000:case-101", "ah-3", "zj-7"]}
    for agency, entity_id in (("AH", "ah-3"), ("ZJ", "zj-7")):
        record = world.record(session, agency, entity_id)
        records_service.withdraw(session, world.investigators[agency], record, "closed")
        session.commit()
    # One case left: the series is dissolved, and the export has nothing.
    session.refresh(row)
    assert (row.status, row.size) == ("dissolved", 0)
    assert series_of(session) == {}
    assert not session.scalars(select(SeriesCase)).all()


def test_an_expired_case_leaves_its_series_on_the_next_run(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    share_ring(session, world, ("SH", "JS"))
    lines = [dict(line) for line in RING_LINES["AH"]]
    for line in lines:
        if line["id"] == "ah-3":
            line["expires_on"] = "2026-12-31"
    world.share(session, "AH", lines)
    service.discover(session, SYSTEM)
    session.commit()
    assert series_of(session) == {"SR-000001": ["310000:case-101", "320000:case-101", "ah-3"]}
    frozen_clock.advance(timedelta(days=40))  # 2027-01-02: Anhui's case is no longer shared
    run = service.discover(session, SYSTEM)
    session.commit()
    assert (run.mode, run.cases) == ("incremental", 2)
    assert series_of(session) == {"SR-000001": ["310000:case-101", "320000:case-101"]}


def share_sh_pair(session: Session, world: World) -> None:
    """Two 2025 Shanghai cases with the same getaway car: a series of Shanghai's own."""
    world.share(
        session,
        "SH",
        [
            vehicle("sh-car", "沪B·F3917"),
            vehicle("sh-car2", "沪BF3917"),
            event("sh-t1", name="入室盗窃案", date="2025-03-01"),
            event("sh-t2", name="入室盗窃案", date="2025-04-11"),
            link("sh-tl1", "sh-t1", "sh-car", "vehicle used"),
            link("sh-tl2", "sh-t2", "sh-car2", "vehicle used"),
        ],
    )


def test_the_list_shows_what_a_reader_may_see_with_filters(
    session: Session, scenario: Scenario
) -> None:
    world = scenario.world
    share_sh_pair(session, world)
    service.discover(session, SYSTEM)
    session.commit()
    assert sorted(series_of(session).values()) == [RING, ["sh-t1", "sh-t2"]]

    def keys(actor_name: str = "AH", **filters: Any) -> list[str]:
        page = reading.readable_series(session, world.analysts[actor_name], **filters)
        return [s.key for s in page.items]

    ring = next(k for k, v in series_of(session).items() if v == RING)
    pair = next(k for k, v in series_of(session).items() if v != RING)
    assert set(keys()) == {ring, pair}
    assert keys(agencies=["340000"]) == [ring]
    assert keys(since=date(2026, 1, 1)) == [ring]
    assert keys(until=date(2025, 12, 31)) == [pair]
    assert keys(min_size=3) == [ring]
    # Hanoi's police share nothing with the delta: no series at all, and none to open.
    assert keys("HAN") == []
    with pytest.raises(DomainError) as hidden:
        views.check_readable(session, world.analysts["HAN"], ring)
    assert hidden.value.status == 404
    with pytest.raises(PermissionDenied):
        reading.readable_series(session, world.officers["SH"])
    with pytest.raises(DomainError) as unknown:
        reading.readable_series(session, world.analysts["AH"], agencies=["999999"])
    assert unknown.value.field == "agency"
    # Pages follow the cursor, strongest first.
    first = reading.readable_series(session, world.analysts["AH"], limit=1)
    assert first.next_cursor is not None
    second = reading.readable_series(
        session, world.analysts["AH"], limit=1, cursor=first.next_cursor
    )
    score = {r.key: r.score for r in session.scalars(select(Series))}
    order = sorted([ring, pair], key=lambda k: (score[k], k), reverse=True)
    assert [s.key for s in [*first.items, *second.items]] == order
    assert second.next_cursor is None
    analyst = world.analysts["AH"]
    [summary] = reading.summaries(session, analyst, [views.check_readable(session, analyst, ring)])
    assert [a.code for a in summary.agencies] == ["310000", "320000", "330000", "340000"]
    assert (summary.hidden, summary.first, summary.last) == (0, date(2026, 9, 3), date(2026, 10, 2))


def test_a_plate_mark_covers_every_reading(session: Session, scenario: Scenario) -> None:
    world = scenario.world
    share_sh_pair(session, world)
    service.discover(session, SYSTEM)
    session.commit()
    assert ["sh-t1", "sh-t2"] in series_of(session).values()
    rows = service.mark_identifier(
        session, world.analysts["SH"], kind="plate", value="沪B F3917", hub=True,
        reason="a car-hire firm's car",
    )  # fmt: skip
    session.commit()
    assert {r.kind for r in rows} == {"plate"}
    assert ["sh-t1", "sh-t2"] not in series_of(session).values()


def test_an_identifier_new_data_makes_a_hub_splits_its_series_incrementally(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    # One unrelated case per agency mentions the hotline: too few groups for a hub yet, so the
    # hotline joins them, the lone case and the ring into one series.
    share_ring(session, world)
    share_lone(session, world)
    share_hotline(session, world, per_agency=1)
    resolve(session)
    frozen_clock.advance(timedelta(minutes=1))
    service.discover(session, SYSTEM)
    session.commit()
    [(key, merged)] = series_of(session).items()
    assert set(RING) < set(merged)
    # A second unrelated case per agency makes the hotline a hub: the next incremental run
    # splits the merged series, although none of its cases changed.
    for name in HOTLINE_AGENCIES:
        world.share(session, name, hotline_lines(name, 1))
    frozen_clock.advance(timedelta(minutes=1))
    run = service.discover(session, SYSTEM)
    session.commit()
    assert run.mode == "incremental"
    assert series_of(session) == {key: RING}
