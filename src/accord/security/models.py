"""Users, their role grants, web sessions and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime


class User(IdMixin, TimestampMixin, Base):
    """A person who signs in. Belongs to one agency; holds roles through grants."""

    __tablename__ = "security_users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Agency] = relationship(lazy="joined")
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleGrant(IdMixin, Base):
    """One role held in one scope: an agency (with or without its subordinates), or a zone."""

    __tablename__ = "security_role_grants"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("security_users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    include_subordinates: Mapped[bool] = mapped_column(Boolean, default=False)
    zone_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    granted_by: Mapped[str] = mapped_column(String(80))

    user: Mapped[User] = relationship(back_populates="grants")
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint(
            "user_id", "role", "agency_id", "zone_id", name="uq_security_role_grants_scope"
        ),
    )


class WebSession(IdMixin, Base):
    """A browser session. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "security_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("security_users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    mfa_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(20))
    client_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(IdMixin, Base):
    """A bearer token for an agency's own system. Only its SHA-256 is stored."""

    __tablename__ = "security_api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("security_users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (Index("ix_security_api_tokens_expires", "expires_at"),)

    @property
    def details(self) -> dict[str, Any]:
        return {"name": self.name, "prefix": self.token_prefix, "scopes": self.scopes}
