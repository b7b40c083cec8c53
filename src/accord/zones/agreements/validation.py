"""Checks on what a draft may say: texts, fields of cooperation, dates, the public flag and the
sharing rules. Every refusal names the field (a rule's field as `rules[i].<name>`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from accord.core.errors import InvalidInput
from accord.core.handling import HandlingCode
from accord.core.ids import uuid7
from accord.zones.agreements.models import AgreementVersion, SharingRuleRow
from accord.zones.models import CooperationField
from accord.zones.sharing import DATA_KINDS, ShareMode

MAX_TEXT = 200_000
# H3 needs a stated restriction per item, so it cannot be a zone-wide default.
DEFAULT_CODES = (HandlingCode.H0, HandlingCode.H1, HandlingCode.H2)


def validate_changes(
    changes: Mapping[str, Any], *, current: AgreementVersion | None
) -> tuple[dict[str, Any], list[SharingRuleRow] | None]:
    """Checked column values, and the new rule rows (None: rules unchanged). Names the field."""
    values: dict[str, Any] = {}
    for name in ("text_zh", "text_en"):
        if name in changes:
            text = changes[name]
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                raise InvalidInput(f"the text is at most {MAX_TEXT} characters", field=name)
            values[name] = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if "fields" in changes:
        fields = changes["fields"]
        if isinstance(fields, str) or not isinstance(fields, Sequence):
            raise InvalidInput("fields of cooperation are a list", field="fields")
        unknown = sorted({str(f) for f in fields} - {f.value for f in CooperationField})
        if unknown:
            raise InvalidInput(
                f"unknown field(s) of cooperation: {', '.join(unknown)}", field="fields"
            )
        values["fields"] = sorted({str(f) for f in fields})
    for name in ("effective_on", "review_on"):
        if name in changes:
            day = changes[name]
            if day is not None and not isinstance(day, date):
                raise InvalidInput("a date is YYYY-MM-DD", field=name)
            values[name] = day
    if "public" in changes:
        if not isinstance(changes["public"], bool):
            raise InvalidInput("public is true or false", field="public")
        values["public"] = changes["public"]
    effective = values.get("effective_on", current.effective_on if current else None)
    review = values.get("review_on", current.review_on if current else None)
    if effective is not None and review is not None and review <= effective:
        raise InvalidInput("the review date comes after the effective date", field="review_on")
    rules = sharing_rules(changes["rules"]) if "rules" in changes else None
    return values, rules


def sharing_rules(items: Any) -> list[SharingRuleRow]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InvalidInput("sharing rules are a list", field="rules")
    rows: list[SharingRuleRow] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"rules[{i}]"
        if not isinstance(item, Mapping):
            raise InvalidInput("a sharing rule is an object", field=where)
        kind = str(item.get("data_kind", ""))
        if kind not in DATA_KINDS:
            raise InvalidInput(f"unknown data kind {kind!r}", field=f"{where}.data_kind")
        if kind in seen:
            raise InvalidInput(f"{kind} has two rules", field=f"{where}.data_kind")
        seen.add(kind)
        try:
            mode = ShareMode(str(item.get("mode", "")))
        except ValueError:
            raise InvalidInput(
                "the mode is full, hit_no_hit or none", field=f"{where}.mode"
            ) from None
        code = str(item.get("handling_code", "H0")).strip().upper()
        if code not in {c.value for c in DEFAULT_CODES}:
            raise InvalidInput(
                "the default handling code is H0, H1 or H2", field=f"{where}.handling_code"
            )
        subordinates = item.get("include_subordinates", False)
        if not isinstance(subordinates, bool):
            raise InvalidInput(
                "include_subordinates is true or false", field=f"{where}.include_subordinates"
            )
        rows.append(
            SharingRuleRow(
                id=uuid7(),
                data_kind=kind,
                mode=mode,
                handling_code=HandlingCode(code),
                include_subordinates=subordinates,
            )
        )
    return rows
