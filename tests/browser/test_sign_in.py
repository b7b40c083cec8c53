"""Signing in and out in a real browser: password, TOTP, my work, language, the lock."""

import re

from playwright.sync_api import Page, expect

from tests.browser.signin import sign_in


def test_sign_in_see_my_work_switch_language_sign_out(page: Page) -> None:
    sign_in(page, "sh.officer")
    expect(page).to_have_url(re.compile(r"/my-work$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("我的待办")
    expect(page.locator(".account .who")).to_contain_text("王磊")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator(".account .who")).to_contain_text(
        "Shanghai Municipal Public Security Bureau"
    )

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/my-work")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    # The language chosen while signed in stays with the user.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_five_wrong_passwords_lock_the_account(page: Page) -> None:
    page.goto("/login")
    for _ in range(5):
        page.locator('input[name="username"]').fill("ah.liaison")
        page.locator('input[name="password"]').fill("not-the-password")
        page.locator('form[action="/login"] button[type="submit"]').click()
        expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    page.locator('input[name="username"]').fill("ah.liaison")
    page.locator('input[name="password"]').fill("accord-demo-2026")
    page.locator('form[action="/login"] button[type="submit"]').click()
    expect(page.get_by_role("alert")).to_contain_text("锁定")
    expect(page).to_have_url(re.compile(r"/login$"))
