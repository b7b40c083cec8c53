"""Person clusters from scored pairs, without chaining.

Connected components would put A, B and C together whenever A=B and B=C, even when A and C are
clearly two people. Here links are taken strongest first, and two clusters merge only when no
record of one is in conflict with a record of the other: a "not same" judgement, or a hard
difference (`features.conflict`: two valid resident IDs no typo explains, other birth dates,
genders or names). An analyst's "same" joins two clusters unless a "not same" stands between
them, so judgements always win over the model, and a negative over any chain of positives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.linkage.features import conflict

# Two clusters bigger than this (as a product of sizes) are not compared record by record: a
# merge that large is not a person but a hub, and is refused.
_MAX_CROSS_CHECKS = 40_000


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    weight: float


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class _Clusters:
    def __init__(self, ids: Iterable[str]) -> None:
        self.root: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        for uid in ids:
            self.root[uid] = uid
            self.members[uid] = [uid]

    def find(self, uid: str) -> str:
        return self.root[uid]

    def merge(self, a: str, b: str) -> None:
        big, small = (a, b) if len(self.members[a]) >= len(self.members[b]) else (b, a)
        for uid in self.members[small]:
            self.root[uid] = big
        self.members[big].extend(self.members.pop(small))


def cluster(
    ids: Sequence[str],
    features: Mapping[str, Mapping[str, Any]],
    edges: Iterable[Edge],
    *,
    same: Iterable[tuple[str, str]] = (),
    not_same: Iterable[tuple[str, str]] = (),
    existing: Iterable[Sequence[str]] = (),
) -> list[list[str]]:
    """Every id in exactly one cluster. `edges` are the model's links above the threshold;
    `same` and `not_same` the judgements in force; `existing` clusters (incremental linkage)
    are kept whole and may only grow or join."""
    state = _Clusters(ids)
    blocked = {pair_key(a, b) for a, b in not_same}

    def cross_ok(ra: str, rb: str, *, judged: bool) -> bool:
        left, right = state.members[ra], state.members[rb]
        if len(left) * len(right) > _MAX_CROSS_CHECKS:
            return False
        for x in left:
            for y in right:
                if pair_key(x, y) in blocked:
                    return False
                if not judged and conflict(features[x], features[y]) is not None:
                    return False
        return True

    for group in existing:
        known = [uid for uid in group if uid in state.root]
        for uid in known[1:]:
            ra, rb = state.find(known[0]), state.find(uid)
            if ra != rb:
                state.merge(ra, rb)
    for a, b in sorted(pair_key(a, b) for a, b in same):
        if a in state.root and b in state.root:
            ra, rb = state.find(a), state.find(b)
            if ra != rb and cross_ok(ra, rb, judged=True):
                state.merge(ra, rb)
    for edge in sorted(edges, key=lambda e: (-e.weight, e.left, e.right)):
        ra, rb = state.find(edge.left), state.find(edge.right)
        if ra != rb and cross_ok(ra, rb, judged=False):
            state.merge(ra, rb)
    return sorted((sorted(m) for m in state.members.values()), key=lambda m: m[0])
