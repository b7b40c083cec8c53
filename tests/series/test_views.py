"""The series as one reader may see them (`accord.series.views`): the list and its filters, a
series with its cases by agency, the evidence paths, the graph, the timeline and the map; hit
/no-hit-only cases and identifiers as "match at agency X", cases at agencies the reader does
not share with left out and counted; the audit event with its purpose and the holders.

The series rows are built here over the series tests' shared records (the ring of four YRD
agencies) plus two Hanoi cases that Anhui sees as matches only (a zone of the two whose rules
share cases and persons hit/no-hit only), so that what each reader sees is known exactly.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.errors import DomainError
from accord.linkage import service as linkage_service
from accord.records.access import PurposeRequired
from accord.records.models import RecordHolder, SharedRecord
from accord.security.policy import PermissionDenied
from accord.series import reading, views
from accord.series.models import Series, SeriesCase, SeriesEvidence
from tests.records.conftest import World, make_zone
from tests.series.conftest import (
    RING_ACCOUNT,
    RING_PHONE,
    SUSPECT_ID,
    SUSPECT_ID_15,
    Scenario,
    event,
    person,
)

HAN_PHONE = "+84912345678"
HAN_SECRETS = ("Nguyễn Văn An", "912345678", "Lừa đảo", "han-1", "han-2", "2026-09-25")
HIT_RULES = [
    {"data_kind": "record.Event", "mode": "hit_no_hit", "handling_code": "H0"},
    {"data_kind": "record.Person", "mode": "hit_no_hit", "handling_code": "H0"},
]
HAN_LINES = [
    person("han-p1", name="Nguyễn Văn An", phone="+84 912 345 678", nationality="vn"),
    event(
        "han-1",
        name="Lừa đảo qua điện thoại",
        date="2026-09-25",
        involved="han-p1",
        phoneMentioned=RING_PHONE,
    ),
    event("han-2", name="Lừa đảo đầu tư", date="2026-09-28", involved="han-p1"),
]
WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@dataclass
class Built:
    world: World
    ring: Series  # the ring and the Hanoi cases
    small: Series  # two Jiangsu cases only
    cluster: str  # the resolved suspect of Shanghai and Zhejiang
    cases: dict[str, uuid.UUID]  # "SH" "JS" "ZJ" "AH" "HAN1" "HAN2" "JS2" -> record id


def _series(session: Session, key: str, score: float, cases: list[uuid.UUID]) -> Series:
    rows = {
        r.id: r for r in session.scalars(select(SharedRecord).where(SharedRecord.id.in_(cases)))
    }
    agencies = {rows[c].agency_id for c in cases}
    days = [d for c in cases if (d := reading.case_day(rows[c].properties))]
    series = Series(
        id=uuid.uuid4(),
        key=key,
        score=score,
        size=len(cases),
        agencies=len(agencies),
        cross_regional=len(agencies) >= 2,
        first_date=min(days),
        last_date=max(days),
        created_at=WHEN,
        updated_at=WHEN,
    )
    session.add(series)
    session.flush()
    for c in cases:
        session.add(
            SeriesCase(
                record_id=c, series_id=series.id, agency_id=rows[c].agency_id, joined_at=WHEN
            )
        )
    return series


@pytest.fixture
def built(session: Session, scenario: Scenario) -> Built:
    w = scenario.world
    make_zone(session, w.agencies, code="MK", members=["AH", "HAN"], rules=HIT_RULES)
    w.share(session, "HAN", HAN_LINES)
    w.share(session, "JS", [event("js-2", name="电信诈骗案 JS-2", date="2026-08-30")])
    ids = {
        "SH": w.record(session, "SH", "case-101").id,
        "JS": w.record(session, "JS", "case-101").id,
        "ZJ": w.record(session, "ZJ", "zj-7").id,
        "AH": w.record(session, "AH", "ah-3").id,
        "HAN1": w.record(session, "HAN", "han-1").id,
        "HAN2": w.record(session, "HAN", "han-2").id,
        "JS2": w.record(session, "JS", "js-2").id,
        "LONE": w.record(session, "JS", "js-lone").id,
    }
    # Whatever discovery made of the shared records is put aside: these rows are the test's.
    for table in (SeriesEvidence, SeriesCase, Series):
        session.execute(delete(table))
    cluster = linkage_service.cluster_of(session, w.record(session, "SH", "sh-p1").id)
    assert cluster is not None
    assert cluster == linkage_service.cluster_of(session, w.record(session, "ZJ", "zj-p1").id)
    ring = _series(
        session,
        "SR-900001",
        7.5,
        [ids[k] for k in ("SH", "JS", "ZJ", "AH", "HAN1", "HAN2")],
    )
    small = _series(session, "SR-900002", 1.5, [ids["JS2"], ids["LONE"]])
    evidence = [
        (ring, "SH", "JS", "phone", RING_PHONE, 2.0),
        (ring, "SH", "JS", "account", RING_ACCOUNT, 2.0),
        (ring, "JS", "AH", "account", RING_ACCOUNT, 2.0),
        (ring, "SH", "ZJ", "person", cluster.key, 3.0),
        (ring, "SH", "HAN1", "phone", RING_PHONE, 2.0),
        (ring, "HAN1", "HAN2", "phone", HAN_PHONE, 1.0),
        (small, "JS2", "LONE", "plate", "苏A12345", 1.0),
    ]
    for series, left, right, kind, value, weight in evidence:
        session.add(
            SeriesEvidence(
                series_id=series.id,
                left_id=ids[left],
                right_id=ids[right],
                kind=kind,
                value=value,
                weight=weight,
            )
        )
    session.commit()
    return Built(w, ring, small, cluster.key, ids)


def _events(session: Session) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == "series.read").order_by(AuditEvent.id)
        )
    )


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_series_with_a_case_the_reader_sees(session: Session, built: Built) -> None:
    w = built.world
    page = reading.series_list(session, w.analysts["SH"])
    assert [s.key for s in page.items] == ["SR-900001", "SR-900002"]  # best score first
    assert page.total == 2
    ring = page.items[0]
    assert ring.cross_regional
    assert ring.size == 6
    # Shanghai sees the four YRD agencies' cases; Hanoi's two it may not see at all.
    assert [a.code for a in ring.agencies] == ["310000", "320000", "330000", "340000"]
    assert ring.hidden == 2
    assert (ring.first, ring.last) == (date(2026, 9, 3), date(2026, 10, 2))
    # Hanoi sees its own cases and Anhui's as matches; the YRD series of Jiangsu alone is not
    # its to list.
    han = reading.series_list(session, w.analysts["HAN"])
    assert [s.key for s in han.items] == ["SR-900001"]
    assert [a.code for a in han.items[0].agencies] == ["340000", "VN-HAN"]
    assert han.items[0].hidden == 3
    # Its dates are those of its own cases: Anhui's case it sees as a match only has none.
    assert (han.items[0].first, han.items[0].last) == (date(2026, 9, 25), date(2026, 9, 28))


def test_the_list_filters(session: Session, built: Built) -> None:
    reader = built.world.analysts["SH"]

    def keys(**filters: object) -> list[str]:
        return [s.key for s in reading.series_list(session, reader, **filters).items]  # type: ignore[arg-type]

    assert keys(agencies=["340000"]) == ["SR-900001"]
    assert keys(agencies=["320000"]) == ["SR-900001", "SR-900002"]
    # Hanoi's cases are not Shanghai's to see: filtering by Hanoi finds nothing.
    assert keys(agencies=["VN-HAN"]) == []
    with pytest.raises(DomainError) as unknown:
        keys(agencies=["nowhere"])
    assert unknown.value.field == "agency"
    assert keys(min_size=3) == ["SR-900001"]
    assert keys(min_score=2.0) == ["SR-900001"]
    assert keys(min_score=9.0) == []
    assert keys(since=date(2026, 10, 3)) == ["SR-900002"]  # the lone case is 2026-10-05
    assert keys(until=date(2026, 8, 31)) == ["SR-900002"]
    assert keys(since=date(2026, 9, 1), until=date(2026, 9, 2)) == ["SR-900002"]
    assert keys(since=date(2026, 9, 1), until=date(2026, 9, 3)) == ["SR-900001", "SR-900002"]
    assert keys(since=date(2026, 11, 1)) == []
    page = reading.series_list(session, reader, limit=1, offset=1)
    assert ([s.key for s in page.items], page.total) == (["SR-900002"], 2)
    assert [a.code for a in reading.filter_agencies(session, reader)] == [
        "310000",
        "320000",
        "330000",
        "340000",
    ]


def test_the_list_needs_the_permission(session: Session, built: Built) -> None:
    with pytest.raises(PermissionDenied):
        reading.series_list(session, built.world.officers["SH"])


def test_a_series_whose_cases_expired_leaves_the_list(session: Session, built: Built) -> None:
    w = built.world
    for key in ("JS2", "LONE"):
        record = session.get(SharedRecord, built.cases[key])
        assert record is not None
        record.expires_on = date(2026, 1, 1)
    session.commit()
    assert [s.key for s in reading.series_list(session, w.analysts["SH"]).items] == ["SR-900001"]
    with pytest.raises(DomainError) as gone:
        views.series_view(session, w.analysts["SH"], "SR-900002", purpose="p")
    assert gone.value.status == 404


# --- one series ----------------------------------------------------------------------------------


def test_a_series_in_full_for_a_ring_agency(session: Session, built: Built) -> None:
    w = built.world
    view = views.series_view(session, w.analysts["SH"], "sr-900001", purpose="case SH-2026-17")
    assert view.series.key == "SR-900001"
    assert view.hidden == 2  # the Hanoi cases
    assert view.hidden_links == 2  # SH-HAN1 and HAN1-HAN2
    assert [a.code for a in view.agencies] == ["310000", "320000", "330000", "340000"]
    assert all(not c.redacted for c in view.cases)
    by_agency = {a.code: (full, matches) for a, full, matches in view.by_agency}
    assert [c.label for c in by_agency["310000"][0]] == ["冒充客服退款诈骗案"]
    assert by_agency["340000"][1] == []
    assert (view.first, view.last) == (date(2026, 9, 3), date(2026, 10, 2))
    paths = {(p.left.agency.code, p.identifier.kind, p.identifier.value, p.right.agency.code)
             for p in view.evidence}  # fmt: skip
    assert paths == {
        ("310000", "phone", RING_PHONE, "320000"),
        ("310000", "account", RING_ACCOUNT, "320000"),
        ("320000", "account", RING_ACCOUNT, "340000"),
        ("310000", "person", built.cluster, "330000"),
    }
    # One identifier node per identifier, whatever the number of paths through it.
    assert sorted(i.kind for i in view.identifiers) == ["account", "person", "phone"]
    assert view.timeline()[0] == {
        "node": view.cases[0].node,
        "day": "2026-09-03",
        "agency": "310000",
        "label": "冒充客服退款诈骗案",
    }
    assert [t["day"] for t in view.timeline()] == sorted(t["day"] for t in view.timeline())


def test_the_graph_data(session: Session, built: Built) -> None:
    view = views.series_view(session, built.world.analysts["SH"], "SR-900001", purpose="p")
    graph = view.graph()
    assert graph["kinds"] == ["case", "person", "phone", "account", "plate", "address"]
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert {n["kind"] for n in nodes.values()} == {"case", "person", "phone", "account"}
    assert sum(n["kind"] == "case" for n in nodes.values()) == 4
    assert all(set(n) >= {"id", "kind", "label", "view"} for n in nodes.values())
    cases = [n for n in nodes.values() if n["kind"] == "case"]
    assert all(n["view"] == "full" and n["record"] and n["linked"] for n in cases)
    # Every edge joins a case to an identifier, and names the evidence paths it stands for.
    for edge in graph["edges"]:
        assert nodes[edge["source"]]["kind"] == "case"
        assert nodes[edge["target"]]["kind"] != "case"
        assert all(0 <= i < len(view.evidence) for i in edge["paths"])
    phone = next(n for n in nodes.values() if n["kind"] == "phone")
    assert phone["label"] == RING_PHONE
    assert len([e for e in graph["edges"] if e["target"] == phone["id"]]) == 2
    json.dumps(graph)  # plain data
    places = {p["code"]: p for p in view.places()}
    assert places["310000"]["lon"] == pytest.approx(121.4)
    assert places["310000"]["cases"] == 1
    assert {(x["source"], x["target"]) for x in view.agency_links()} == {
        ("310000", "320000"),
        ("320000", "340000"),
        ("310000", "330000"),
    }


def test_hit_only_cases_and_identifiers_show_as_matches(session: Session, built: Built) -> None:
    """Anhui sees Hanoi's cases and its suspect hit/no-hit only: the cases are matches at
    Hanoi; the Hanoi number, carried only by the hit-only suspect, is a match too; the ring's
    number Shanghai's case mentions in full is shown."""
    w = built.world
    view = views.series_view(session, w.analysts["AH"], "SR-900001", purpose="case AH-3")
    han = [c for c in view.cases if c.agency.code == "VN-HAN"]
    # Matches come after the cases seen in full: their order says nothing of their dates.
    assert [c.node for c in han] == ["c5", "c6"]
    assert len(han) == 2
    assert all(c.redacted and c.day is None and c.label == "" for c in han)
    assert all(c.view.properties == () and c.view.entity_id is None for c in han)
    by_agency = {a.code: (full, matches) for a, full, matches in view.by_agency}
    assert by_agency["VN-HAN"] == ([], han)
    assert "addressee=VN-HAN" in views.ask_for(han[0].agency, han)
    idents = {i.kind: i for i in view.identifiers if i.kind == "phone" and i.redacted}
    hidden = idents["phone"]
    assert hidden.value is None
    assert [a.code for a in hidden.agencies] == ["VN-HAN"]
    shown = [i.value for i in view.identifiers if not i.redacted]
    assert RING_PHONE in shown
    assert HAN_PHONE not in shown
    # The person cluster of Shanghai's and Zhejiang's suspect: persons are hit-only in the
    # YRD, so Anhui sees a match at both agencies and not the cluster key.
    person = next(i for i in view.identifiers if i.kind == "person")
    assert person.value is None
    assert [a.code for a in person.agencies] == ["310000", "330000"]
    text = json.dumps([view.graph(), view.timeline(), view.places()], ensure_ascii=False)
    for secret in (*HAN_SECRETS, HAN_PHONE, built.cluster, SUSPECT_ID, SUSPECT_ID_15, "李强"):
        assert secret not in text
    assert view.timeline()
    assert all(t["agency"] != "VN-HAN" for t in view.timeline())
    places = {p["code"]: p for p in view.places()}
    assert (places["VN-HAN"]["cases"], places["VN-HAN"]["matches"]) == (0, 2)
    assert places["VN-HAN"]["lon"] == pytest.approx(105.8)


def test_cases_at_agencies_not_shared_with_are_left_out(session: Session, built: Built) -> None:
    view = views.series_view(session, built.world.analysts["HAN"], "SR-900001", purpose="p")
    assert view.hidden == 3  # Shanghai's, Jiangsu's and Zhejiang's
    assert {c.agency.code for c in view.cases} == {"VN-HAN", "340000"}
    assert [c.redacted for c in view.cases if c.agency.code == "340000"] == [True]
    # Hanoi's own number: in full (its own suspect); its cases link through it.
    assert [(p.identifier.kind, p.identifier.value) for p in view.evidence] == [
        ("phone", HAN_PHONE)
    ]
    assert view.hidden_links == 5


def test_a_series_the_reader_sees_nothing_of_is_not_found(session: Session, built: Built) -> None:
    with pytest.raises(DomainError) as refused:
        views.series_view(session, built.world.analysts["HAN"], "SR-900002", purpose="p")
    assert refused.value.status == 404
    with pytest.raises(DomainError) as missing:
        views.series_view(session, built.world.analysts["SH"], "SR-123456", purpose="p")
    assert missing.value.status == 404
    with pytest.raises(DomainError):
        views.check_readable(session, built.world.analysts["HAN"], "SR-900002")


def test_the_view_is_audited_with_its_purpose_and_holders_noted(
    session: Session, built: Built
) -> None:
    w = built.world
    with pytest.raises(PurposeRequired):
        views.series_view(session, w.analysts["AH"], "SR-900001", purpose="  ")
    assert _events(session) == []
    views.series_view(session, w.analysts["AH"], "SR-900001", purpose="case AH-3")
    session.commit()
    [event] = _events(session)
    assert event.purpose == "case AH-3"
    assert event.object_id == str(built.ring.id)
    assert event.actor_username == w.analysts["AH"].username
    assert event.detail is not None
    assert event.detail["series"] == "SR-900001"
    assert event.detail["hidden"] == 0
    full, hit = set(event.detail["full"]), set(event.detail["hit"])
    assert {str(built.cases[k]) for k in ("SH", "JS", "ZJ", "AH")} <= full
    assert {str(built.cases["HAN1"]), str(built.cases["HAN2"])} <= hit
    # The suspect whose number made the match is in the event (as a match), so "who came
    # across this person" finds it.
    han_person = w.record(session, "HAN", "han-p1")
    assert str(han_person.id) in hit
    # Anhui now holds the YRD cases it saw in full, not what it saw as a match.
    held = set(
        session.scalars(
            select(RecordHolder.record_id).where(RecordHolder.agency_id == w.agencies["AH"].id)
        )
    )
    assert built.cases["SH"] in held
    assert built.cases["HAN1"] not in held
    assert han_person.id not in held


def test_the_carriers_of_an_identifier_are_the_records_around_the_cases(
    session: Session, built: Built
) -> None:
    w = built.world
    hood = views.neighbourhoods(session, [built.cases["SH"]])[built.cases["SH"]]
    expected = {
        w.record(session, "SH", name).id
        for name in ("case-101", "sh-p1", "sh-v1", "sh-l1", "sh-pay1", "sh-acc1")
    }
    assert hood == expected
    # Another case of Shanghai's with the same number is not around this one.
    assert w.record(session, "SH", "sh-h0").id not in hood


def test_places_of_agencies() -> None:
    assert views.place_of("310115-001") == views.PROVINCE_CENTRES["31"]
    assert views.place_of("MPS") == views.PROVINCE_CENTRES["11"]
    assert views.place_of("VN-HAN") == views.CAPITALS["VN"]
    assert views.place_of("XX-1") is None


def test_a_discovered_series_as_each_agency_sees_it(session: Session, scenario: Scenario) -> None:
    """On what discovery itself stored: Shanghai sees every identifier of the ring; Anhui sees
    the suspect Shanghai and Zhejiang share only as a match at both (persons are hit/no-hit in
    the YRD); Jiangsu sees him in full (its pair zone with Zhejiang shares persons)."""
    from accord.security.actor import Actor
    from accord.series import service

    service.discover(session, Actor.system("test"), full=True)
    session.commit()
    w = scenario.world
    case = w.record(session, "SH", "case-101")
    series_id = session.scalar(select(SeriesCase.series_id).where(SeriesCase.record_id == case.id))
    series = session.get(Series, series_id)
    assert series is not None

    def idents(agency: str) -> dict[str, tuple[str | None, list[str]]]:
        view = views.series_view(session, w.analysts[agency], series.key, purpose="case 17")
        assert {c.agency.code for c in view.cases} == {"310000", "320000", "330000", "340000"}
        return {i.kind: (i.value, [a.code for a in i.agencies]) for i in view.identifiers}

    sh = idents("SH")
    assert sh["phone"] == (RING_PHONE, [])
    assert sh["account"] == (RING_ACCOUNT, [])
    cluster = sh["person"][0]
    assert cluster is not None
    assert cluster.startswith("PC-")
    assert idents("AH")["person"] == (None, ["310000", "330000"])
    assert idents("AH")["account"] == (RING_ACCOUNT, [])
    assert idents("JS")["person"] == (cluster, [])
