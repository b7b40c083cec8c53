"""One line of the records exchange read into a FollowTheMoney entity, and the keys it is found by.

A line is an FtM entity (`id`, `schema`, `properties`) with optional provenance keys
(`handling_code`, `handling_text`, `source_reliability`, `information_accuracy`, `recorded_on`,
`review_on`, `expires_on`), or `{"id": X, "withdrawn": true}`. The `followthemoney` model
checks it: an unknown or abstract schema, an unknown property or an id FtM would not accept is
refused; values are kept as FtM cleans them (dates to ISO, countries to codes, values it cannot
read dropped). Phones are read as E.164 with +86 by default before FtM sees them (FtM would drop
a number without a prefix, and short service numbers). References (any property whose type is
an entity: `involved`, `subject`, `object`, `payer`, ...) are kept as given and resolved by the
import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from followthemoney import model, registry
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from accord.audit import subjects as audit_subjects
from accord.core import handling
from accord.core.errors import InvalidInput
from accord.core.handling import N_
from accord.matching import identifiers, names
from accord.matching.numbers import normalise_account, normalise_phone
from accord.zones.sharing import DATA_KINDS

RELIABILITIES = ("A", "B", "C", "X")
ACCURACIES = (1, 2, 3, 4)
PROVENANCE_KEYS = (
    "handling_code",
    "handling_text",
    "source_reliability",
    "information_accuracy",
    "recorded_on",
    "review_on",
    "expires_on",
)
# Keys other FtM tools write beside an entity: read past, never stored.
FTM_EXTRAS = frozenset(
    {"caption", "datasets", "referents", "first_seen", "last_seen", "last_change", "target"}
)
KNOWN_KEYS = frozenset({"id", "schema", "properties", "withdrawn", "reason", *PROVENANCE_KEYS})
ID_MAX = 200
KEY_MAX = 200
REASON_MAX = 300

# Key kinds (RecordKey.kind). `ref` holds the id (uuid) of a record this one refers to, so the
# record page finds a case's links and payments without reading every record of the agency.
NAME, RESIDENT_ID, PASSPORT, PHONE, ACCOUNT, PLATE, ADDRESS, REF = (
    "name",
    "resident_id",
    "passport",
    "phone",
    "account",
    "plate",
    "address",
    "ref",
)
WATCHABLE = (PHONE, ACCOUNT)


class InvalidRecord(InvalidInput):
    code = "invalid_record"
    title = "Invalid record"


def refuse(number: int, where: str, message: str) -> InvalidRecord:
    """The refusal of line `number`, naming its field (`schema`, `properties.birthDate` ...)."""
    return InvalidRecord(f"line {number}: field {where!r}: {message}", field=where, line=number)


@dataclass(frozen=True)
class Provenance:
    """What a line says of its provenance; None where it says nothing (a default applies)."""

    handling_code: str | None = None
    handling_text: str | None = None
    source_reliability: str | None = None
    information_accuracy: int | None = None
    recorded_on: date | None = None
    review_on: date | None = None
    expires_on: date | None = None


@dataclass
class Line:
    """One line read: an entity to share, or a withdrawal (`withdrawn`)."""

    number: int
    entity_id: str
    withdrawn: bool = False
    reason: str = ""
    schema: str = ""
    properties: dict[str, list[str]] = field(default_factory=dict)
    caption: str = ""
    # (property, entity id) of every reference, resolved by the import.
    refs: list[tuple[str, str]] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)


def data_kind(schema: str) -> str:
    """The sharing rules' data kind of a schema: `record.<schema>` where the rules name it,
    else the rule of `record.Event` (a case's links and anything else belong to the case)."""
    kind = f"record.{schema}"
    return kind if kind in DATA_KINDS else "record.Event"


def entity_id_ok(value: str) -> bool:
    return len(value) <= ID_MAX and registry.entity.validate(value)


def _values(raw: Any) -> list[str] | None:
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            return None
        out.append(str(item))
    return out


def _date(number: int, where: str, raw: Any) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise refuse(number, where, f"{raw!r} is not a date like 2026-11-23") from None


def _provenance(number: int, data: Mapping[str, Any]) -> Provenance:
    code = data.get("handling_code")
    text = data.get("handling_text")
    if code is not None or text is not None:
        if code is not None and not isinstance(code, str):
            raise refuse(number, "handling_code", "the handling code is H0, H1, H2 or H3")
        if text is not None and not isinstance(text, str):
            raise refuse(number, "handling_text", "the handling text is text")
        try:
            parsed, text = handling.check(code, text or None)
        except InvalidInput as exc:
            raise refuse(number, exc.field or "handling_code", exc.detail) from exc
        code = parsed.value if parsed else None
    reliability = data.get("source_reliability")
    if reliability is not None:
        reliability = str(reliability).strip().upper()
        if reliability not in RELIABILITIES:
            raise refuse(number, "source_reliability", "source reliability is A, B, C or X")
    accuracy = data.get("information_accuracy")
    if accuracy is not None:
        try:
            accuracy = int(str(accuracy).strip())
        except ValueError:
            accuracy = 0
        if accuracy not in ACCURACIES:
            raise refuse(number, "information_accuracy", "information accuracy is 1, 2, 3 or 4")
    recorded = _date(number, "recorded_on", data.get("recorded_on"))
    review = _date(number, "review_on", data.get("review_on"))
    expires = _date(number, "expires_on", data.get("expires_on"))
    if recorded and expires and expires < recorded:
        raise refuse(number, "expires_on", "a record cannot expire before it was recorded")
    return Provenance(code, text, reliability, accuracy, recorded, review, expires)


def _schema(number: int, raw: Any) -> Schema:
    schema = model.get(raw) if isinstance(raw, str) else None
    if schema is None:
        raise refuse(number, "schema", f"{raw!r} is not a FollowTheMoney schema")
    if schema.abstract:
        raise refuse(number, "schema", f"{schema.name} is abstract: use a schema below it")
    return schema


def read_line(number: int, data: Any) -> Line:
    """Check one decoded line and read it (the refusal names the line and the field)."""
    if not isinstance(data, dict):
        raise refuse(number, "line", "a line is one JSON object")
    raw_id = data.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise refuse(number, "id", "every line has an entity id")
    entity_id = raw_id.strip()
    if not entity_id_ok(entity_id):
        raise refuse(
            number,
            "id",
            f"{entity_id!r} is not an entity id (letters, digits, '.' and '-', at most {ID_MAX})",
        )
    unknown = sorted(set(data) - KNOWN_KEYS - FTM_EXTRAS)
    if unknown:
        raise refuse(number, unknown[0], "not a key of the records exchange")
    reason = data.get("reason") or ""
    if not isinstance(reason, str):
        raise refuse(number, "reason", "the reason is text")
    withdrawn = data.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        raise refuse(number, "withdrawn", "withdrawn is true or false")
    if withdrawn:
        return Line(number, entity_id, withdrawn=True, reason=reason.strip()[:REASON_MAX])
    schema = _schema(number, data.get("schema"))
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise refuse(number, "properties", "properties is an object of lists of values")
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    refs: list[tuple[str, str]] = []
    for name, raw in properties.items():
        where = f"properties.{name}"
        prop = schema.get(name) if isinstance(name, str) else None
        if prop is None:
            raise refuse(number, where, f"{schema.name} has no property {name!r}")
        values = _values(raw)
        if values is None:
            raise refuse(number, where, "values are text, numbers or lists of them")
        try:
            if prop.type == registry.entity:
                for value in values:
                    target = value.strip()
                    if not entity_id_ok(target):
                        raise refuse(number, where, f"{value!r} is not an entity id")
                    refs.append((prop.name, target))
                    proxy.add(prop, target, cleaned=True)
            elif prop.type == registry.phone:
                phones = [p for p in (normalise_phone(v) for v in values) if p]
                proxy.add(prop, phones, cleaned=True)
            else:
                proxy.add(prop, values)
        except InvalidData as exc:
            raise refuse(number, where, str(exc)) from exc
    return Line(
        number,
        entity_id,
        reason=reason.strip()[:REASON_MAX],
        schema=schema.name,
        properties={k: list(v) for k, v in proxy.properties.items()},
        caption=_caption(proxy.caption, schema),
        refs=refs,
        provenance=_provenance(number, data),
    )


def _caption(caption: str, schema: Schema) -> str:
    # FtM falls back to the schema's label when nothing names the entity: keep that empty, the
    # pages show the schema anyway.
    return "" if caption == schema.label else caption[:300]


def refers_ok(schema: str, prop: str, target_schema: str) -> bool:
    """Whether a `target_schema` entity may be the value of `schema`'s reference `prop`: of the
    property's range (a payer is a legal entity, a payer account a bank account). A range of
    Thing takes any entity: the convention's UnknownLink ties a case to its payments too, which
    FtM does not count as things."""
    source = model.get(schema)
    target = model.get(target_schema)
    found = source.get(prop) if source is not None else None
    if found is None or target is None or found.range is None:
        return False
    return found.range.name == "Thing" or target.is_a(found.range)


# --- keys ---------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def name_keys(text: str, nationality: str | None) -> frozenset[str]:
    """A name's blocking keys across scripts (read once per distinct text and nationality)."""
    return names.blocking_keys(names.read_name(text, nationality=nationality))


_NOT_WORD = re.compile(r"[\W_]+")


def address_key(text: str) -> str:
    """An address as one comparable string: NFKC, case-folded, without blanks or punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())[:KEY_MAX]


def plate_keys(text: str) -> set[str]:
    """The canonical readings of a plate ('hu a12345' = 沪A12345), or the plate as typed
    (upper case, no separators) when it is no Chinese plate."""
    readings = identifiers.plate_readings(text)
    if readings:
        return readings
    key = audit_subjects.plate_key(text)
    return {key} if key else set()


def nationality_of(properties: Mapping[str, list[str]]) -> str | None:
    found = properties.get("nationality") or []
    return found[0].upper() if found else None


def keys_of(schema: str, properties: Mapping[str, list[str]]) -> set[tuple[str, str]]:
    """The normalised identifiers a record is found by (without its references)."""
    keys: set[tuple[str, str]] = set()
    source = model.get(schema)
    if source is None:
        return keys
    for name, values in properties.items():
        prop = source.get(name)
        if prop is not None and prop.type == registry.phone:
            keys |= {(PHONE, v) for v in values if v}
    if schema == "Person":
        nationality = nationality_of(properties)
        for text in [*properties.get("name", []), *properties.get("alias", [])]:
            keys |= {(NAME, k) for k in name_keys(text, nationality)}
        for text in properties.get("idNumber", []):
            parsed = identifiers.parse_resident_id(text)
            if parsed is not None:
                keys.add((RESIDENT_ID, parsed.value))
        for text in properties.get("passportNumber", []):
            passport = identifiers.normalise_passport(text)
            if passport:
                keys.add((PASSPORT, passport))
    elif schema == "BankAccount":
        for text in [*properties.get("accountNumber", []), *properties.get("iban", [])]:
            account = normalise_account(text)
            if account:
                keys.add((ACCOUNT, account))
    elif schema == "Vehicle":
        for text in properties.get("registrationNumber", []):
            keys |= {(PLATE, k) for k in plate_keys(text)}
    elif schema == "Address":
        full = properties.get("full") or [
            " ".join(
                v
                for part in ("country", "state", "region", "city", "street", "postalCode")
                for v in properties.get(part, [])
            )
        ]
        keys |= {(ADDRESS, k) for k in (address_key(t) for t in full) if k}
    return {(kind, key[:KEY_MAX]) for kind, key in keys}


def references(schema: str, properties: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """(property, entity id) of every reference a stored record makes."""
    source = model.get(schema)
    if source is None:
        return []
    found: list[tuple[str, str]] = []
    for name, values in properties.items():
        prop = source.get(name)
        if prop is not None and prop.type == registry.entity:
            found.extend((name, v) for v in values)
    return found


def audit_keys(keys: Iterable[tuple[str, str]]) -> list[audit_subjects.Subject]:
    """The keys the audit log indexes (identifiers; names and addresses are not subjects)."""
    found = []
    for kind, key in keys:
        if kind in (RESIDENT_ID, PASSPORT, PHONE, ACCOUNT, PLATE):
            try:
                found.append(audit_subjects.Subject.of(kind, key))
            except InvalidInput:
                continue  # a key the audit index cannot hold; the entity subject still finds it
    return found


# --- labels ---------------------------------------------------------------------------------


def schema_label(schema: str) -> str:
    found = model.get(schema)
    return found.label if found is not None else schema


def property_label(schema: str, prop: str) -> str:
    found = model.get(schema)
    got = found.get(prop) if found is not None else None
    return got.label if got is not None else prop


def is_reference(schema: str, prop: str) -> bool:
    found = model.get(schema)
    got = found.get(prop) if found is not None else None
    return got is not None and got.type == registry.entity


# FtM's own labels (English, its msgids) of the schemas and properties of the exchange
# convention, marked for the catalogs so that pages show them in Chinese too.
FTM_LABELS = (
    N_("Person"),
    N_("Event"),
    N_("Other link"),
    N_("Payment"),
    N_("Bank account"),
    N_("Vehicle"),
    N_("Address"),
    N_("Name"),
    N_("Alias"),
    N_("Birth date"),
    N_("ID Number"),
    N_("Passport number"),
    N_("Nationality"),
    N_("Phone"),
    N_("Gender"),
    N_("Date"),
    N_("Involved"),
    N_("Detected phones"),
    N_("Summary"),
    N_("Description"),
    N_("Subject"),
    N_("Object"),
    N_("Role"),
    N_("Payer"),
    N_("Payer bank account"),
    N_("Beneficiary"),
    N_("Beneficiary bank account"),
    N_("Amount"),
    N_("Currency"),
    N_("Payment purpose"),
    N_("Account number"),
    N_("Bank name"),
    N_("Registration number"),
    N_("Model"),
    N_("Owner"),
    N_("Full address"),
    N_("City"),
    N_("Street address"),
    N_("Country"),
    N_("Notes"),
    N_("Location"),
)
