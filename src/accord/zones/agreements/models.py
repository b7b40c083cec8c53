"""Agreement versions, signatures and structured sharing rules."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.core import clock
from accord.core.db import Base, IdMixin, UTCDateTime
from accord.core.handling import HandlingCode
from accord.core.workflow import WorkflowMixin, status_column
from accord.zones.agreements.transitions import AgreementStatus
from accord.zones.models import Zone
from accord.zones.sharing import ShareMode


def _enum(values: type[ShareMode] | type[HandlingCode], length: int) -> Enum:
    return Enum(
        values, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Agreement(IdMixin, Base):
    """A zone's agreement, cited by its reference number; its text lives in its versions."""

    __tablename__ = "agreements"

    zone_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("zones.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=lambda: clock.now())
    created_by: Mapped[str] = mapped_column(String(80))

    zone: Mapped[Zone] = relationship(lazy="joined")
    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", lazy="selectin", order_by="AgreementVersion.number"
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


class AgreementVersion(IdMixin, WorkflowMixin, Base):
    """One version of the text. Editable while a draft that nobody has signed; then frozen."""

    __tablename__ = "agreement_versions"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[AgreementStatus] = status_column(AgreementStatus)
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[list[str]] = mapped_column(JSON)
    signed_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=lambda: clock.now())
    created_by: Mapped[str] = mapped_column(String(80))

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    signatures: Mapped[list[AgreementSignature]] = relationship(
        back_populates="version", lazy="selectin", order_by="AgreementSignature.signed_at"
    )
    rules: Mapped[list[SharingRuleRow]] = relationship(
        back_populates="version",
        lazy="selectin",
        order_by="SharingRuleRow.data_kind",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_zh


class AgreementSignature(IdMixin, Base):
    """A member's signature on a version, given by its director (one per member and version)."""

    __tablename__ = "agreement_signatures"

    version_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agreement_versions.id", ondelete="CASCADE")
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    signed_by: Mapped[str] = mapped_column(String(80))
    signed_on: Mapped[date] = mapped_column(Date)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=lambda: clock.now())

    version: Mapped[AgreementVersion] = relationship(back_populates="signatures")
    agency: Mapped[Agency] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("version_id", "agency_id"),)


class SharingRuleRow(IdMixin, Base):
    """What a version says about one kind of data (see `accord.zones.sharing`)."""

    __tablename__ = "agreement_sharing_rules"

    version_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agreement_versions.id", ondelete="CASCADE")
    )
    data_kind: Mapped[str] = mapped_column(String(60))
    mode: Mapped[ShareMode] = mapped_column(_enum(ShareMode, 20))
    handling_code: Mapped[HandlingCode] = mapped_column(_enum(HandlingCode, 4))
    include_subordinates: Mapped[bool] = mapped_column(Boolean, default=False)

    version: Mapped[AgreementVersion] = relationship(back_populates="rules")

    __table_args__ = (UniqueConstraint("version_id", "data_kind"),)
