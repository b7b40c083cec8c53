"""A readable difference between two versions of an agreement: line by line for the Chinese and
English texts, rule by rule for the sharing rules, and the changed dates and fields."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from accord.zones.agreements.models import AgreementVersion, SharingRuleRow

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


@dataclass(frozen=True)
class RuleChange:
    data_kind: str
    op: str  # added | removed | changed
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class FactChange:
    name: str  # fields | effective_on | review_on | public
    before: Any
    after: Any


@dataclass(frozen=True)
class VersionDiff:
    from_number: int
    to_number: int
    zh: list[tuple[str, str]]
    en: list[tuple[str, str]]
    rules: list[RuleChange]
    facts: list[FactChange]

    @property
    def unchanged(self) -> bool:
        texts = all(op == EQUAL for op, _ in [*self.zh, *self.en])
        return texts and not self.rules and not self.facts


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(op, line) pairs: op is equal, delete (only in `before`) or insert (only in `after`)."""
    a, b = before.splitlines(), after.splitlines()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend((EQUAL, line) for line in a[i1:i2])
            continue
        out.extend((DELETE, line) for line in a[i1:i2])
        out.extend((INSERT, line) for line in b[j1:j2])
    return out


def _rule(row: SharingRuleRow) -> dict[str, Any]:
    return {
        "mode": row.mode.value,
        "handling_code": row.handling_code.value,
        "include_subordinates": row.include_subordinates,
    }


def rule_changes(before: list[SharingRuleRow], after: list[SharingRuleRow]) -> list[RuleChange]:
    old = {r.data_kind: _rule(r) for r in before}
    new = {r.data_kind: _rule(r) for r in after}
    changes: list[RuleChange] = []
    for kind in sorted(old.keys() | new.keys()):
        was, now = old.get(kind), new.get(kind)
        if was == now:
            continue
        op = "added" if was is None else "removed" if now is None else "changed"
        changes.append(RuleChange(kind, op, was, now))
    return changes


def diff(before: AgreementVersion, after: AgreementVersion) -> VersionDiff:
    facts = [
        FactChange(name, getattr(before, name), getattr(after, name))
        for name in ("fields", "effective_on", "review_on", "public")
        if getattr(before, name) != getattr(after, name)
    ]
    return VersionDiff(
        from_number=before.number,
        to_number=after.number,
        zh=text_diff(before.text_zh, after.text_zh),
        en=text_diff(before.text_en, after.text_en),
        rules=rule_changes(before.rules, after.rules),
        facts=facts,
    )
