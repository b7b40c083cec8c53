"""API shapes of users, grants, tokens and the signed-in actor."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from accord.security.actor import Role


class GrantOut(BaseModel):
    id: str
    role: Role
    agency: str | None
    include_subordinates: bool
    zone_id: str | None
    granted_at: datetime
    granted_by: str


class UserOut(BaseModel):
    username: str
    display_name: str
    email: str
    agency: str
    active: bool
    locked_until: datetime | None
    locale: str
    last_login_at: datetime | None
    grants: list[GrantOut]


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=80)
    display_name: str = Field(min_length=1, max_length=200)
    agency: str = Field(description="Agency code, e.g. 310000")
    email: str = Field("", max_length=200)
    roles: list[Role] = Field(default_factory=list)
    include_subordinates: bool = False
    password: str | None = Field(None, description="Generated when omitted")
    locale: str = Field("zh", pattern="^(zh|en)$")


class UserCreated(BaseModel):
    user: UserOut
    password: str = Field(description="Shown once")
    totp_secret: str | None = Field(description="Shown once; enrol it in an authenticator app")
    totp_uri: str | None


class GrantCreate(BaseModel):
    role: Role
    agency: str | None = Field(None, description="Agency code; the user's own agency by default")
    include_subordinates: bool = False
    zone_id: str | None = None


class PasswordReset(BaseModel):
    password: str | None = Field(None, description="Generated when omitted")


class Secret(BaseModel):
    secret: str = Field(description="Shown once")
    totp_uri: str | None = None


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1)
    days: int = Field(90, ge=1, le=366)
    username: str | None = Field(
        None, description="Another user's (agency admins); yours by default"
    )


class TokenOut(BaseModel):
    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIssued(BaseModel):
    token: str = Field(description="Shown once: send as `Authorization: Bearer <token>`")
    details: TokenOut


class Me(BaseModel):
    username: str
    display_name: str
    agency: str | None
    roles: list[str]
    via: str
    scopes: list[str] | None
