"""The shapes of alerts, probes and check results, in the API and the interchange files.

One alert or probe is one JSON object (issue 6 §4): the subject's fields sit beside the
envelope (`ref`, `type`, `issuing_agency`). The same models read an import line, an API body
and a form, so the three refuse bad input with the same words, naming the field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from accord.alerts.kinds import SUBJECT_OF, AlertType, Priority, SubjectKind
from accord.core.handling import HandlingCode
from accord.matching import identifiers
from accord.matching.facts import PartialDate, country_code

PERSON_FIELDS = (
    "name",
    "aliases",
    "birth_date",
    "gender",
    "nationality",
    "id_number",
    "passport_number",
)
SUBJECT_FIELDS: dict[SubjectKind, tuple[str, ...]] = {
    SubjectKind.PERSON: PERSON_FIELDS,
    SubjectKind.VEHICLE: ("plate", "vin", "make", "colour"),
    SubjectKind.DOCUMENT: ("document_type", "document_number", "issuing_country"),
    SubjectKind.DRONE: ("drone_serial", "registration_number", "model"),
}

ALL_SUBJECT_FIELDS = tuple(f for fields in SUBJECT_FIELDS.values() for f in fields)


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _Subject(BaseModel):
    """The subject fields shared by alerts and probes, with their checks."""

    model_config = ConfigDict(extra="forbid", str_max_length=300)

    name: str | None = None
    aliases: list[str] = Field(default_factory=list, max_length=20)
    birth_date: str | None = None
    gender: Literal["male", "female"] | None = None
    nationality: str | None = None
    id_number: str | None = None
    passport_number: str | None = Field(default=None, max_length=20)
    plate: str | None = Field(default=None, max_length=20)
    vin: str | None = Field(default=None, max_length=30)
    make: str | None = Field(default=None, max_length=80)
    colour: str | None = Field(default=None, max_length=40)
    document_type: str | None = Field(default=None, max_length=40)
    document_number: str | None = Field(default=None, max_length=40)
    issuing_country: str | None = None
    drone_serial: str | None = Field(default=None, max_length=60)
    registration_number: str | None = Field(default=None, max_length=60)
    model: str | None = Field(default=None, max_length=80)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return _strip(value)

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [a.strip() for a in value if isinstance(a, str) and a.strip()]

    @field_validator("gender", mode="before")
    @classmethod
    def _gender(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("birth_date")
    @classmethod
    def _birth(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = PartialDate.parse(value)
        if parsed is None:
            raise ValueError("a birth date is YYYY-MM-DD, YYYY-MM or YYYY")
        return parsed.iso()

    @field_validator("nationality", "issuing_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = country_code(value)
        if code is None:
            raise ValueError("an ISO 3166 country code (alpha-2, e.g. CN, VN; alpha-3 accepted)")
        return code

    @field_validator("id_number")
    @classmethod
    def _resident_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = identifiers.parse_resident_id(value)
        if parsed is None:
            raise ValueError("a resident ID has 18 characters (17 digits and a digit or X) or 15")
        return value.upper()

    def subject_fields(self, kind: SubjectKind | None = None) -> dict[str, Any]:
        """The non-empty subject fields (of `kind` only, when given)."""
        names = SUBJECT_FIELDS[kind] if kind else ALL_SUBJECT_FIELDS
        data = self.model_dump(include=set(names))
        return {k: v for k, v in data.items() if v not in (None, [], "")}


class AlertRecord(_Subject):
    """An alert as imported or created: envelope, subject and (optional) handling."""

    ref: str | None = Field(default=None, max_length=64)
    type: AlertType
    issuing_agency: str = Field(max_length=20)
    legal_basis: str | None = Field(default=None, max_length=2000)
    action_on_hit: str | None = Field(default=None, max_length=2000)
    priority: Priority | None = None
    handling_code: HandlingCode = HandlingCode.H0
    handling_text: str | None = None
    contact: str | None = Field(default=None, max_length=200)
    zones: list[str] | None = None
    review_on: date | None = None
    expires_at: datetime | None = None
    misused_identity: bool = False
    distinguishing_facts: str | None = Field(default=None, max_length=2000)
    status: Literal["draft", "active"] = "active"

    @model_validator(mode="after")
    def _subject_of_type(self) -> AlertRecord:
        kind = SUBJECT_OF[self.type]
        present = set(self.subject_fields())
        foreign = sorted(present - set(SUBJECT_FIELDS[kind]))
        if foreign:
            raise ValueError(f"a {self.type.value} alert has no field {foreign[0]}")
        if kind is SubjectKind.PERSON and not self.name:
            raise ValueError("a person alert needs the person's name (field name)")
        if kind is SubjectKind.VEHICLE and not (self.plate or self.vin):
            raise ValueError("a stolen_vehicle alert needs a plate or a vin")
        if kind is SubjectKind.DOCUMENT:
            for required in ("document_type", "document_number", "issuing_country"):
                if not getattr(self, required):
                    raise ValueError(f"a stolen_document alert needs {required}")
        if kind is SubjectKind.DRONE and not (self.drone_serial or self.registration_number):
            raise ValueError("a drone alert needs a drone_serial or a registration_number")
        if self.plate and not identifiers.plate_readings(self.plate):
            raise ValueError(f"{self.plate!r} is not a Chinese plate number (field plate)")
        if self.vin and identifiers.normalise_vin(self.vin) is None:
            raise ValueError("a VIN has 17 letters and digits, never I, O or Q (field vin)")
        if self.handling_code is HandlingCode.H3 and not self.handling_text:
            raise ValueError("H3 states its restriction in handling_text")
        return self


class Probe(_Subject):
    """What an officer checks: any of the subject fields."""

    ref: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _something(self) -> Probe:
        if not self.subject_fields():
            raise ValueError(
                "a check needs at least a name, an ID or passport number, a plate, a VIN, a "
                "document number or a drone serial"
            )
        return self


class CheckIn(BaseModel):
    """The API body of a check."""

    model_config = ConfigDict(extra="forbid")

    probe: Probe
    purpose: str | None = Field(default=None, max_length=300)
    case_ref: str | None = Field(default=None, max_length=64)


class CandidateOut(BaseModel):
    alert_id: uuid.UUID
    alert_ref: str
    band: Literal["hit", "possible", "cleared"]
    score: float
    explanation: list[str]
    alert_type: str
    priority: str
    issuing_agency: str
    issuing_agency_name: str
    contact: str
    redacted: bool = False
    label: str | None = None
    subject: dict[str, Any] | None = None
    action_on_hit: str | None = None
    handling_code: str | None = None
    discreet: bool = False
    misused_identity: bool = False
    distinguishing_facts: str | None = None
    cleared_on: str | None = None
    cleared_by: str | None = None


class CheckOut(BaseModel):
    check_id: uuid.UUID | None
    result: Literal["hit", "possible", "no_hit"]
    candidates: list[CandidateOut]
    checked_at: datetime
