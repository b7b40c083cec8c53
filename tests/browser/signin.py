"""Signing a demo user in through the real pages, second factor included."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from accord.demo import DEMO_PASSWORD, demo_totp_secret
from accord.security import totp


def sign_in(
    page: Page, username: str, *, password: str = DEMO_PASSWORD, next_path: str = "/my-work"
) -> None:
    """Sign in as a demo user and land on `next_path`.

    A TOTP code is good once: when an earlier test used this user's current code, wait for the
    next 30-second step rather than fail.
    """
    page.goto(f"/login?next={next_path}")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form[action="/login"] button[type="submit"]').click()
    if "/login/totp" not in page.url:
        return
    for _attempt in range(3):
        code = totp.code_at(demo_totp_secret(username), datetime.now(UTC))
        page.locator('input[name="code"]').fill(code)
        page.locator('form[action="/login/totp"] button[type="submit"]').click()
        if "/login" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 0.5)
        page.goto(f"/login?next={next_path}")
        page.locator('input[name="username"]').fill(username)
        page.locator('input[name="password"]').fill(password)
        page.locator('form[action="/login"] button[type="submit"]').click()
    expect(page).not_to_have_url("/login/totp")
