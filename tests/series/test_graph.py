"""Series discovery without a database: hubs, evidence, marks, incremental runs, and the case
nodes read from FtM entities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest

from accord.series import cases as series_cases
from accord.series import graph
from accord.series.graph import CaseNode, Evidence

HOTLINE = ("phone", "95588")
AGENCIES = ("310000", "320000", "330000", "340000")


def node(
    cid: str, *idents: tuple[str, str], agency: str = "310000", day: str = "2024-03-01"
) -> CaseNode:
    return CaseNode(cid, agency, date.fromisoformat(day), frozenset(idents))


def hotline_cases(count: int, *, start: int = 0) -> list[CaseNode]:
    """Unrelated cases in every agency over five years, each with its own phone, all mentioning
    the hotline."""
    return [
        node(
            f"h{i}",
            HOTLINE,
            ("phone", f"+86151000{i:05d}"),
            agency=AGENCIES[i % 4],
            day=(date(2021, 1, 1) + timedelta(days=211 * i)).isoformat(),
        )
        for i in range(start, start + count)
    ]


def series_sets(found: graph.Discovery) -> set[frozenset[str]]:
    return {frozenset(s.cases) for s in found.series}


def test_a_hotline_mentioned_by_many_unrelated_cases_links_none_of_them() -> None:
    ring = [
        node("r1", HOTLINE, ("account", "6222000011112222"), ("phone", "+8613955550001")),
        node("r2", ("account", "6222000011112222"), ("phone", "+8613955550001"), agency="320000"),
    ]
    found = graph.discover([*hotline_cases(10), *ring])
    assert HOTLINE in found.hubs
    assert series_sets(found) == {frozenset({"r1", "r2"})}
    assert all(e.value != "95588" for s in found.series for e in s.evidence)
    # the baselines: without hub removal the hotline joins everything
    assert graph.components([*hotline_cases(10), *ring], drop_hubs=True) == [["r1", "r2"]]
    (everything,) = graph.components([*hotline_cases(10), *ring], drop_hubs=False)
    assert len(everything) == 12


def test_a_rings_own_number_in_many_cases_is_no_hub() -> None:
    """Twelve cases sharing a number and receiving account are one group, not twelve."""
    ring = [
        node(
            f"r{i}",
            ("phone", "+8613955550001"),
            ("account", "6222000011112222"),
            agency=AGENCIES[i % 4],
        )
        for i in range(12)
    ]
    found = graph.discover(ring)
    assert not found.hubs
    assert series_sets(found) == {frozenset(c.id for c in ring)}


def test_a_number_spread_over_agencies_and_years_in_few_groups_is_a_hub() -> None:
    found = graph.discover(hotline_cases(5))
    assert found.hubs == {HOTLINE}
    assert found.series == []
    # the same five reports within a few months are a group's number
    recent = [
        node(c.id, *c.identifiers, agency=c.agency, day=f"2024-0{i + 1}-10")
        for i, c in enumerate(hotline_cases(5))
    ]
    found = graph.discover(recent)
    assert not found.hubs
    assert series_sets(found) == {frozenset(c.id for c in recent)}


def test_a_ring_joined_only_through_a_resolved_suspect() -> None:
    entities = {
        "310000": [
            {"id": "p-1", "schema": "Person", "properties": {"name": ["李强"]}},
            {"id": "p-2", "schema": "Person", "properties": {"name": ["王芳"]}},
            event("case-1", organizer=["p-1"], involved=["p-1", "p-2"], phone=["13955550001"]),
        ],
        "330000": [
            {"id": "p-7", "schema": "Person", "properties": {"name": ["LI QIANG"]}},
            {"id": "p-8", "schema": "Person", "properties": {"name": ["陈静"]}},
            event("case-9", organizer=["p-7"], involved=["p-7", "p-8"], phone=["13877770002"]),
        ],
    }
    apart = graph.discover(series_cases.case_nodes(entities, {}))
    assert apart.series == []
    clusters = {("310000", "p-1"): "cluster-li", ("330000", "p-7"): "cluster-li"}
    joined = graph.discover(series_cases.case_nodes(entities, clusters))
    (series,) = joined.series
    assert series.cases == ["310000:case-1", "330000:case-9"]
    assert series.agencies == ["310000", "330000"]
    assert series.cross_regional
    assert series.evidence == [
        Evidence("310000:case-1", "330000:case-9", "person", "cluster-li", graph.WEIGHTS["person"])
    ]


def test_a_victim_in_two_cases_links_nothing() -> None:
    entities = {
        "310000": [
            {"id": "p-1", "schema": "Person", "properties": {"name": ["李强"]}},
            {"id": "p-2", "schema": "Person", "properties": {"name": ["王芳"]}},
            {"id": "p-3", "schema": "Person", "properties": {"name": ["张伟"]}},
            event("case-1", organizer=["p-1"], involved=["p-1", "p-2"]),
            event("case-2", organizer=["p-3"], involved=["p-3", "p-2"]),
        ]
    }
    assert graph.discover(series_cases.case_nodes(entities, {})).series == []


def test_an_analysts_mark_changes_the_series() -> None:
    shared = ("phone", "+8613955550001")
    pair = [node("a", shared), node("b", shared, agency="320000")]
    assert series_sets(graph.discover(pair)) == {frozenset({"a", "b"})}
    marked = graph.discover(pair, marks={shared: True})
    assert marked.series == []
    assert marked.hubs == {shared}
    # unmarking an automatic hub lets it join its cases
    cases = hotline_cases(10)
    assert graph.discover(cases).series == []
    unmarked = graph.discover(cases, marks={HOTLINE: False})
    assert HOTLINE not in unmarked.hubs
    assert series_sets(unmarked) == {frozenset(c.id for c in cases)}


def test_an_unmarked_hub_in_very_many_cases_links_each_case_to_the_next() -> None:
    cases = hotline_cases(graph.CLIQUE_MAX + 6)
    (series,) = graph.discover(cases, marks={HOTLINE: False}).series
    assert series.cases == sorted(c.id for c in cases)
    linked = {(e.left, e.right) for e in series.evidence}
    assert len(linked) == len(cases) - 1  # a path in time, not all pairs
    assert ("h0", "h1") in linked


def test_touching_recomputes_only_the_touched_components(monkeypatch: pytest.MonkeyPatch) -> None:
    first = [node(f"a{i}", ("account", "6222000011110001")) for i in range(4)]
    second = [node(f"b{i}", ("phone", "+8613900000002"), agency="320000") for i in range(3)]
    third = [node(f"c{i}", ("plate", "沪A12345")) for i in range(2)]
    cases = [*first, *second, *third, *hotline_cases(10)]
    full = graph.discover(cases)
    assert len(full.series) == 3
    computed: list[list[str]] = []
    communities = graph._communities

    def counting(members: list[int], edges: Any) -> list[list[int]]:
        computed.append(sorted(cases[i].id for i in members))
        return communities(members, edges)

    monkeypatch.setattr(graph, "_communities", counting)
    some = graph.discover(cases, touching={"b1", "c0", "h3"})
    assert computed == [["b0", "b1", "b2"], ["c0", "c1"]] or computed == [
        ["c0", "c1"],
        ["b0", "b1", "b2"],
    ]
    assert series_sets(some) == {frozenset(c.id for c in second), frozenset(c.id for c in third)}
    by_cases = {frozenset(s.cases): s for s in full.series}
    for series in some.series:
        assert series == by_cases[frozenset(series.cases)]
    assert some.hubs == full.hubs  # judged on every case
    assert graph.discover(cases, touching=set()).series == []


def test_evidence_paths_name_the_shared_identifiers_and_the_score_grows_with_them() -> None:
    account, phone = ("account", "6222000011112222"), ("phone", "+8613955550001")
    strong = graph.discover(
        [
            node("x1", account, phone, ("address", "人民路1号")),
            node("x2", account, phone, ("address", "人民路1号")),
        ]
    )
    (series,) = strong.series
    assert {(e.left, e.right, e.kind, e.value) for e in series.evidence} == {
        ("x1", "x2", "account", "6222000011112222"),
        ("x1", "x2", "phone", "+8613955550001"),
        ("x1", "x2", "address", "人民路1号"),
    }
    (weak,) = graph.discover([node("y1", phone), node("y2", phone)]).series
    assert 0 < weak.score < series.score < 1
    # an address alone links nothing
    assert (
        graph.discover(
            [node("z1", ("address", "人民路1号")), node("z2", ("address", "人民路1号"))]
        ).series
        == []
    )


def test_cross_regional_when_two_agencies_and_the_period_of_the_cases() -> None:
    phone = ("phone", "+8613955550001")
    (local,) = graph.discover(
        [node("a", phone, day="2024-01-05"), node("b", phone, day="2024-02-01")]
    ).series
    assert not local.cross_regional
    assert local.agencies == ["310000"]
    assert (local.first, local.last) == (date(2024, 1, 5), date(2024, 2, 1))
    (wide,) = graph.discover([node("a", phone), node("b", phone, agency="340000")]).series
    assert wide.cross_regional
    assert wide.agencies == ["310000", "340000"]


def test_community_detection_splits_loosely_joined_groups() -> None:
    left = [
        node(f"l{i}", ("account", "6222000000000001"), ("phone", "+8613900000001"))
        for i in range(5)
    ]
    right = [
        node(f"r{i}", ("account", "6222000000000002"), ("phone", "+8613900000002"), agency="320000")
        for i in range(5)
    ]
    # one case of each side names the same courier's mobile: one weak tie between two groups
    courier = ("phone", "+8618600000009")
    left[0] = node("l0", *left[0].identifiers, courier)
    right[0] = node("r0", *right[0].identifiers, courier, agency="320000")
    found = graph.discover([*left, *right])
    assert series_sets(found) == {frozenset(c.id for c in left), frozenset(c.id for c in right)}
    # the baseline keeps them as one component
    assert len(graph.components([*left, *right], drop_hubs=True)) == 1


def event(
    eid: str,
    *,
    organizer: list[str] | None = None,
    involved: Iterable[str] = (),
    phone: Iterable[str] = (),
) -> dict[str, Any]:
    props: dict[str, list[str]] = {
        "name": ["诈骗案"],
        "date": ["2024-05-01"],
        "involved": list(involved),
    }
    if organizer is not None:
        props["organizer"] = organizer
    if phone:
        props["phoneMentioned"] = list(phone)
    return {"id": eid, "schema": "Event", "properties": props}


def link(eid: str, case: str, target: str) -> dict[str, Any]:
    return {
        "id": eid,
        "schema": "UnknownLink",
        "properties": {"subject": [case], "object": [target]},
    }


def test_case_nodes_read_every_kind_of_identifier_from_ftm_entities() -> None:
    lines = [
        link("l-1", "case-1", "acct-1"),
        link("l-2", "case-1", "pay-1"),
        link("l-3", "case-1", "veh-1"),
        link("l-4", "case-1", "addr-1"),
        event(
            "case-1", organizer=["p-1"], involved=["p-1", "p-2"], phone=["95588", "139 5555 0001"]
        ),
        {
            "id": "p-1",
            "schema": "Person",
            "properties": {"name": ["李强"], "phone": ["+86 138-1234-5678"]},
        },
        {
            "id": "p-2",
            "schema": "Person",
            "properties": {"name": ["王芳"], "phone": ["13812345678"]},
        },
        {
            "id": "acct-1",
            "schema": "BankAccount",
            "properties": {"accountNumber": ["6222 0210 0112 3456 789"]},
        },
        {
            "id": "acct-2",
            "schema": "BankAccount",
            "properties": {"accountNumber": ["6217000099998888"]},
        },
        {
            "id": "acct-3",
            "schema": "BankAccount",
            "properties": {"accountNumber": ["6228480000000001"]},
        },
        {
            "id": "pay-1",
            "schema": "Payment",
            "properties": {
                "payer": ["p-2"],
                "beneficiary": ["p-1"],
                "beneficiaryAccount": ["acct-2"],
                "payerAccount": ["acct-3"],
            },
        },
        {"id": "veh-1", "schema": "Vehicle", "properties": {"registrationNumber": ["沪A·12345"]}},
        {
            "id": "addr-1",
            "schema": "Address",
            "properties": {"full": ["上海市浦东新区 人民路 1号"]},
        },
        {"id": "case-2", "withdrawn": True},
        event("case-3", involved=["p-2"]),  # no organizer: every involved person counts
    ]
    nodes = series_cases.case_nodes(
        {"310000": iter(lines)},  # read once, references before their targets
        {("310000", "p-1"): "cluster-1"},
        case_id=lambda agency, eid: f"{eid}@{agency}",
    )
    by_id = {n.id: n for n in nodes}
    assert set(by_id) == {"case-1@310000", "case-3@310000"}
    first = by_id["case-1@310000"]
    assert first.agency == "310000"
    assert first.day == date(2024, 5, 1)
    assert first.identifiers == {
        ("person", "cluster-1"),
        ("phone", "95588"),
        ("phone", "+8613955550001"),
        ("account", "6222021001123456789"),
        ("account", "6217000099998888"),  # reached through the payment; not the payer's account
        ("plate", "沪A12345"),
        ("address", "上海市浦东新区人民路1号"),
    }
    # persons' own numbers are linkage's business: a household's shared phone links no cases
    assert by_id["case-3@310000"].identifiers == {("person", "310000:p-2")}


def test_a_components_series_do_not_depend_on_the_rest_of_the_list() -> None:
    """What an incremental run finds for a component is what a full run finds, whatever the
    order of the cases and whatever else was imported meanwhile."""
    left = [
        node(f"l{i}", ("account", "6222000000000001"), ("phone", "+8613900000001"))
        for i in range(4)
    ]
    right = [node(f"r{i}", ("account", "6222000000000002"), agency="320000") for i in range(4)]
    courier = ("phone", "+8618600000009")
    left[0] = node("l0", *left[0].identifiers, courier)
    right[0] = node("r0", *right[0].identifiers, courier, agency="320000")
    cases = [*left, *right]
    full = graph.discover(cases)
    shuffled = [*reversed(cases), *hotline_cases(9), node("x1", ("plate", "沪B00001"))]
    again = graph.discover(shuffled, touching={"l2"})
    assert again.series == full.series
