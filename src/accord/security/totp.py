"""TOTP second factor (RFC 6238, 30-second steps, 6 digits) with replay protection."""

from __future__ import annotations

from datetime import datetime

import pyotp

ISSUER = "Accord"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_at(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def matching_step(secret: str, code: str, at: datetime, *, last_step: int | None) -> int | None:
    """The time step the code belongs to (±1 step of clock drift), or None.

    A step at or before `last_step` was already used: refusing it stops a code seen over a
    shoulder or in a log from being replayed within its 30 seconds.
    """
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(at.timestamp()) // STEP_SECONDS
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if totp.generate_otp(step) == code:
            return step
    return None
