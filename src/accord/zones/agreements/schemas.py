"""API shapes of agreements, their versions, signatures, sharing rules and differences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from accord.zones.agreements.diff import VersionDiff
from accord.zones.agreements.models import Agreement, AgreementVersion
from accord.zones.agreements.transitions import TABLE


class RuleIn(BaseModel):
    data_kind: str = Field(examples=["record.Person"])
    mode: str = Field(description="full | hit_no_hit | none")
    handling_code: str = Field("H0", description="H0, H1 or H2: the default for this kind")
    include_subordinates: bool = False


class DraftIn(BaseModel):
    """The parts of a draft to change; a field left out stays as it is."""

    text_zh: str | None = None
    text_en: str | None = None
    fields: list[str] | None = None
    effective_on: date | None = None
    review_on: date | None = None
    public: bool | None = None
    rules: list[RuleIn] | None = Field(None, description="replaces every rule of the draft")

    def changes(self) -> dict[str, Any]:
        out = self.model_dump(exclude_unset=True)
        for name in ("text_zh", "text_en", "fields", "public", "rules"):
            if name in out and out[name] is None:
                del out[name]  # null means "leave it"; only dates may be cleared
        return out


class AgreementCreate(DraftIn):
    title_zh: str = Field(min_length=1, max_length=300)
    title_en: str = Field(min_length=1, max_length=300)


class SignIn(BaseModel):
    agency: str | None = Field(None, description="The member signed for; default: your agency")


class ActionIn(BaseModel):
    reason: str | None = Field(None, max_length=500)


class RuleOut(BaseModel):
    data_kind: str
    mode: str
    handling_code: str
    include_subordinates: bool


class SignatureOut(BaseModel):
    agency: str
    agency_name_zh: str
    agency_name_en: str
    signed_by: str
    signed_on: date
    signed_at: datetime


class VersionOut(BaseModel):
    number: int
    status: str
    text_zh: str
    text_en: str
    fields: list[str]
    signed_on: date | None
    effective_on: date | None
    review_on: date | None
    public: bool
    editable: bool
    allowed_actions: list[str]
    signatures: list[SignatureOut]
    rules: list[RuleOut]
    etag_version: int


class AgreementOut(BaseModel):
    reference: str
    zone: str
    title_zh: str
    title_en: str
    created_at: datetime
    versions: list[VersionOut]


class AgreementSummary(BaseModel):
    reference: str
    zone: str
    title_zh: str
    title_en: str
    latest_version: int
    latest_status: str
    in_force_version: int | None


class RuleChangeOut(BaseModel):
    data_kind: str
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class FactChangeOut(BaseModel):
    name: str
    before: Any
    after: Any


class DiffOut(BaseModel):
    reference: str
    from_version: int
    to_version: int
    zh: list[tuple[str, str]]
    en: list[tuple[str, str]]
    rules: list[RuleChangeOut]
    facts: list[FactChangeOut]


class SharingRuleOut(BaseModel):
    zone: str
    agency: str
    on: date
    data_kind: str
    mode: str
    handling_code: str
    include_subordinates: bool


def version_out(version: AgreementVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        status=version.status.value,
        text_zh=version.text_zh,
        text_en=version.text_en,
        fields=list(version.fields),
        signed_on=version.signed_on,
        effective_on=version.effective_on,
        review_on=version.review_on,
        public=version.public,
        editable=version.status.value == "draft" and not version.signatures,
        allowed_actions=TABLE.allowed_actions(version.status),
        signatures=[
            SignatureOut(
                agency=s.agency.code,
                agency_name_zh=s.agency.name_zh,
                agency_name_en=s.agency.name_en,
                signed_by=s.signed_by,
                signed_on=s.signed_on,
                signed_at=s.signed_at,
            )
            for s in version.signatures
        ],
        rules=[
            RuleOut(
                data_kind=r.data_kind,
                mode=r.mode.value,
                handling_code=r.handling_code.value,
                include_subordinates=r.include_subordinates,
            )
            for r in version.rules
        ],
        etag_version=version.version,
    )


def agreement_out(agreement: Agreement) -> AgreementOut:
    return AgreementOut(
        reference=agreement.reference,
        zone=agreement.zone.code,
        title_zh=agreement.title_zh,
        title_en=agreement.title_en,
        created_at=agreement.created_at,
        versions=[version_out(v) for v in agreement.versions],
    )


def summary(agreement: Agreement) -> AgreementSummary:
    latest = agreement.versions[-1]
    current = [v for v in agreement.versions if v.status.value in {"in_force", "under_review"}]
    return AgreementSummary(
        reference=agreement.reference,
        zone=agreement.zone.code,
        title_zh=agreement.title_zh,
        title_en=agreement.title_en,
        latest_version=latest.number,
        latest_status=latest.status.value,
        in_force_version=current[-1].number if current else None,
    )


def diff_out(reference: str, result: VersionDiff) -> DiffOut:
    return DiffOut(
        reference=reference,
        from_version=result.from_number,
        to_version=result.to_number,
        zh=result.zh,
        en=result.en,
        rules=[RuleChangeOut(**vars(c)) for c in result.rules],
        facts=[FactChangeOut(**vars(f)) for f in result.facts],
    )
