"""The auditor's pages and the business calendar in a real browser."""

from playwright.sync_api import Page, expect

from tests.browser.signin import sign_in


def test_auditor_finds_who_looked_and_verifies_the_chain(page: Page) -> None:
    sign_in(page, "auditor", next_path="/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
    page.locator('select[name="kind"]').select_option("user")
    page.locator('input[name="key"]').fill("auditor")
    page.locator('input[name="purpose"]').fill("account review")
    page.locator("form.audit-search button[type=submit]").click()
    # Signing in names the user as the event's subject.
    expect(page.locator("main")).to_contain_text("auth.login")
    page.locator(".audit-verify-button").click()
    expect(page.locator("#verify-result")).to_contain_text("审计链完整")


def test_liaison_reads_the_business_calendar(page: Page) -> None:
    sign_in(page, "js.liaison", next_path="/calendar?year=2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026")
    expect(page.locator("#calendar-days")).to_contain_text("2026-10-01")
    expect(page.locator("#calendar-days")).to_contain_text("2026-02-28")
    expect(page.locator("#calendar-form")).to_have_count(0)
