"""Crime-series discovery on a graph of cases, without a database.

Two cases are linked by the identifiers they share: a resolved suspect (a person cluster from
linkage), a phone number, a receiving account, a vehicle, an address. Each kind weighs what it
proves (`WEIGHTS`): the same receiving account or the same resolved suspect is strong, a phone a
little less (victims name numbers, suspects hand them on), an address weak (a street and house
number recur by chance), so an address alone links nothing and only strengthens other evidence.

An identifier that ties together many groups of cases that nothing else ties (a bank's hotline,
a courier's number, the anti-fraud centre) is a **hub** and links nothing: a group's phone or
account sits in cases that also share suspects, other numbers or the same receiving account, or
in a few reports within one period. Analysts' marks override the automatic decision either way.
Resolved persons are never hubs by themselves: a suspect in many cases is a series, not noise.

Community detection (Leiden with the constant Potts model, weighted) then splits the connected
components where loosely joined groups meet; every community of two or more cases is a series.
The Potts model compares each community only with itself, so a component's series do not depend
on the rest of the graph: `touching` recomputes only the components that hold the given cases.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

import igraph  # type: ignore[import-untyped]  # igraph ships no type information
import leidenalg

KINDS = ("person", "phone", "account", "plate", "address")

# Evidence weight of one shared identifier of each kind.
WEIGHTS: Mapping[str, float] = {
    "person": 1.0,
    "account": 1.0,
    "phone": 0.8,
    "plate": 0.8,
    "address": 0.3,
}
# A pair of cases is linked when what they share weighs at least this (an address alone does not).
LINK_MIN = 0.5
# An identifier is a hub when its cases fall into at least HUB_GROUPS groups that nothing else
# links, or into HUB_SPREAD_GROUPS such groups spread over HUB_SPREAD_AGENCIES agencies and more
# than HUB_SPREAD_DAYS: a criminal group's number is used for months, a hotline for years.
HUB_GROUPS = 8
HUB_SPREAD_GROUPS = 4
HUB_SPREAD_AGENCIES = 3
HUB_SPREAD_DAYS = 730
# Kinds the automatic hub detection looks at (a resolved suspect in many cases is a series).
HUB_KINDS = frozenset({"phone", "account", "plate", "address"})
# An identifier shared by more cases than this (only when an analyst unmarks a hub) links each
# case to the next one in time instead of to every other: all pairs would be millions.
CLIQUE_MAX = 64
# Constant Potts model resolution: two groups stay one series when the evidence between them
# weighs more than RESOLUTION times the number of case pairs across them.
RESOLUTION = 0.05
LEIDEN_SEED = 20261123

Identifier = tuple[str, str]


@dataclass(frozen=True, slots=True)
class CaseNode:
    """A case (an Event record) and the normalised identifiers it is linked to."""

    id: str
    agency: str
    day: date | None
    identifiers: frozenset[Identifier]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Two cases of a series share `value` of `kind` (the path left -> identifier -> right)."""

    left: str
    right: str
    kind: str
    value: str
    weight: float


@dataclass
class FoundSeries:
    cases: list[str]
    agencies: list[str]
    score: float
    evidence: list[Evidence]
    first: date | None
    last: date | None
    cross_regional: bool


@dataclass
class Discovery:
    series: list[FoundSeries]
    hubs: set[Identifier]
    seconds: dict[str, float] = field(default_factory=dict)


class _Sets:
    """Union-find over case indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, members: Sequence[int]) -> None:
        if len(members) < 2:
            return
        root = self.find(members[0])
        for other in members[1:]:
            top = self.find(other)
            if top != root:
                self.parent[top] = root


def _index(cases: Sequence[CaseNode], kinds: Collection[str]) -> dict[Identifier, list[int]]:
    """Identifier -> indices of the cases holding it, for identifiers in two or more cases."""
    holders: dict[Identifier, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        for ident in case.identifiers:
            if ident[0] in kinds:
                holders[ident].append(i)
    return {ident: found for ident, found in holders.items() if len(found) > 1}


def _is_hub(
    cases: Sequence[CaseNode],
    ident: Identifier,
    members: Sequence[int],
    sets: _Sets,
    others: Mapping[int, Sequence[Identifier]],
    hubs: Collection[Identifier],
) -> bool:
    """Whether `ident`'s cases fall into enough groups that nothing else links (the groups of
    `sets`, joined further by the other candidates they share that are not hubs)."""
    parent: dict[int, int] = {}
    shared: dict[Identifier, list[int]] = defaultdict(list)
    for i in members:
        root = sets.find(i)
        parent[root] = root
        for other in others.get(i, ()):
            if other != ident and other not in hubs:
                shared[other].append(root)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for roots in shared.values():
        top = find(roots[0])
        for root in roots[1:]:
            parent[find(root)] = top
    groups = len({find(root) for root in parent})
    if groups >= HUB_GROUPS:
        return True
    if groups < HUB_SPREAD_GROUPS:
        return False
    if len({cases[i].agency for i in members}) < HUB_SPREAD_AGENCIES:
        return False
    days = [d for i in members if (d := cases[i].day) is not None]
    return bool(days) and (max(days) - min(days)).days > HUB_SPREAD_DAYS


def find_hubs(
    cases: Sequence[CaseNode],
    holders: Mapping[Identifier, Sequence[int]],
    marks: Mapping[Identifier, bool],
) -> set[Identifier]:
    """The identifiers that link nothing: the analysts' marks, and those the data shows to tie
    many otherwise unrelated groups of cases (see the module's explanation)."""
    marked = {ident for ident, hub in marks.items() if hub}
    candidates = sorted(
        ident
        for ident, members in holders.items()
        if ident[0] in HUB_KINDS and len(members) >= HUB_SPREAD_GROUPS and ident not in marks
    )
    waiting = set(candidates)
    sets = _Sets(len(cases))
    for ident, members in holders.items():
        # groups are what the identifiers that cannot be hubs tie (never an address alone)
        if ident not in waiting and ident not in marked and WEIGHTS[ident[0]] >= LINK_MIN:
            sets.union(members)
    others: dict[int, list[Identifier]] = defaultdict(list)
    for ident in candidates:
        if WEIGHTS[ident[0]] >= LINK_MIN:
            for i in holders[ident]:
                others[i].append(ident)
    # Candidates start as no hubs, each judged with the others' links: a ring's number and
    # account tie each other's cases into one group. A hub found no longer ties anything for the
    # rest; repeat until no more is found (the set only grows).
    hubs: set[Identifier] = set()
    while True:
        found = {
            c
            for c in candidates
            if c not in hubs and _is_hub(cases, c, holders[c], sets, others, hubs)
        }
        if not found:
            return marked | hubs
        hubs |= found


def _pairs(
    cases: Sequence[CaseNode], holders: Mapping[Identifier, Sequence[int]], hubs: set[Identifier]
) -> tuple[dict[tuple[int, int], list[Identifier]], dict[tuple[int, int], float]]:
    """(i, j) with i < j -> the non-hub identifiers cases i and j share, and the weight of
    what they share."""
    shared: dict[tuple[int, int], list[Identifier]] = defaultdict(list)
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for ident, members in holders.items():
        if ident in hubs:
            continue
        weight = WEIGHTS[ident[0]]
        ordered = sorted(members)
        if len(ordered) <= CLIQUE_MAX:
            for a, i in enumerate(ordered):
                for j in ordered[a + 1 :]:
                    shared[(i, j)].append(ident)
                    weights[(i, j)] += weight
        else:
            # each link of the path weighs what all pairs would weigh across the path's middle
            # (d/2 by d/2 cases), so that no cut of the path is cheaper than the same cut of the
            # clique and community detection keeps the cases together as all pairs would
            by_day = sorted(ordered, key=lambda i: (cases[i].day or date.min, cases[i].id))
            for i, j in pairwise(by_day):
                pair = (min(i, j), max(i, j))
                shared[pair].append(ident)
                weights[pair] += weight * len(ordered) ** 2 / 4
    return shared, weights


def _communities(members: list[int], edges: Mapping[tuple[int, int], float]) -> list[list[int]]:
    """Leiden (constant Potts model) on one connected component, `members` in case id order.

    Vertices and edges are numbered by case id, not by where the cases sit in the caller's list,
    so a component gets the same series whatever else was passed (Leiden is seeded, but its
    result depends on the numbering)."""
    if len(members) <= 2:
        return [members]
    position = {case: k for k, case in enumerate(members)}
    numbered = sorted(
        (min(position[i], position[j]), max(position[i], position[j]), w)
        for (i, j), w in edges.items()
    )
    graph = igraph.Graph(n=len(members), edges=[(a, b) for a, b, _ in numbered], directed=False)
    graph.es["weight"] = [w for _, _, w in numbered]
    partition = leidenalg.find_partition(
        graph,
        leidenalg.CPMVertexPartition,
        weights="weight",
        resolution_parameter=RESOLUTION,
        n_iterations=-1,
        seed=LEIDEN_SEED,
    )
    found: dict[int, list[int]] = defaultdict(list)
    for k, community in enumerate(partition.membership):
        found[community].append(members[k])
    return list(found.values())


def _series(
    cases: Sequence[CaseNode],
    community: list[int],
    shared: Mapping[tuple[int, int], list[Identifier]],
    edges: Mapping[tuple[int, int], float],
) -> FoundSeries:
    inside = set(community)
    linked = sorted(
        (p for p in edges if p[0] in inside and p[1] in inside),
        key=lambda p: sorted((cases[p[0]].id, cases[p[1]].id)),
    )
    evidence = []
    total = 0.0
    for i, j in linked:
        left, right = sorted((cases[i].id, cases[j].id))
        total += edges[(i, j)]
        for kind, value in sorted(shared[(i, j)]):
            evidence.append(Evidence(left, right, kind, value, WEIGHTS[kind]))
    members = sorted(community, key=lambda i: cases[i].id)
    agencies = sorted({cases[i].agency for i in members})
    days = [d for i in members if (d := cases[i].day) is not None]
    # The evidence per link needed to connect the series, mapped onto 0..1: two cases sharing a
    # phone 0.55, a phone and an account 0.83; three cases that all share both 0.93.
    strength = total / (len(members) - 1)
    return FoundSeries(
        cases=[cases[i].id for i in members],
        agencies=agencies,
        score=round(1 - math.exp(-strength), 3),
        evidence=evidence,
        first=min(days) if days else None,
        last=max(days) if days else None,
        cross_regional=len(agencies) >= 2,
    )


def discover(
    cases: Sequence[CaseNode],
    *,
    marks: Mapping[Identifier, bool] | None = None,
    touching: Collection[str] | None = None,
) -> Discovery:
    """The series among `cases`: hubs found (with `marks[(kind, value)]` True forcing a hub and
    False forcing none), cases linked by what they share, components split by Leiden.

    With `touching`, only the components holding those case ids are computed and returned (hubs
    are still judged on all `cases`, which the caller passes whole)."""
    seconds: dict[str, float] = {}
    started = mark = time.perf_counter()
    holders = _index(cases, KINDS)
    seconds["index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    hubs = find_hubs(cases, holders, marks or {})
    seconds["hubs"] = time.perf_counter() - mark
    mark = time.perf_counter()
    shared, weights = _pairs(cases, holders, hubs)
    edges = {p: w for p, w in weights.items() if w >= LINK_MIN}
    neighbours: dict[int, list[int]] = defaultdict(list)
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    if touching is None:
        starts: Iterable[int] = sorted(neighbours)
    else:
        wanted = set(touching)
        starts = [i for i, case in enumerate(cases) if case.id in wanted and i in neighbours]
    seen: set[int] = set()
    components: list[list[int]] = []
    for start in starts:
        if start in seen:
            continue
        seen.add(start)
        component, stack = [start], [start]
        while stack:
            for other in neighbours[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    component.append(other)
                    stack.append(other)
        components.append(sorted(component, key=lambda i: cases[i].id))
    seconds["graph"] = time.perf_counter() - mark
    mark = time.perf_counter()
    found: list[FoundSeries] = []
    for component in components:
        local = {(i, j): edges[(i, j)] for i in component for j in neighbours[i] if i < j}
        for community in _communities(component, local):
            if len(community) >= 2:
                found.append(_series(cases, community, shared, local))
    found.sort(key=lambda s: (-s.score, -len(s.cases), s.cases[0]))
    seconds["communities"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    return Discovery(series=found, hubs=hubs, seconds=seconds)


def components(cases: Sequence[CaseNode], *, drop_hubs: bool) -> list[list[str]]:
    """The baseline: connected components of cases over shared phones, accounts, plates and
    addresses (no resolved persons), with or without the automatic hubs; those of two or more
    cases, each sorted."""
    holders = _index(cases, HUB_KINDS)
    hubs = find_hubs(cases, holders, {}) if drop_hubs else set()
    sets = _Sets(len(cases))
    for ident, members in holders.items():
        if ident not in hubs:
            sets.union(members)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, case in enumerate(cases):
        groups[sets.find(i)].append(case.id)
    return sorted(sorted(g) for g in groups.values() if len(g) >= 2)
