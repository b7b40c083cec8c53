"""The SIRENE hit procedure in a real browser: a Shanghai officer checks Jiangsu's fugitive by
his name in pinyin, sees the hit explained and reports it; Jiangsu's liaison sees it arrive live
on the follow-up dashboard (a live notification, delivered by the embedded worker), claims and
confirms it; the officer reports the arrest carried out and Jiangsu closes the alert."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.worker_server import demo_with_worker, signed_in
from tests.conftest import DatabaseFactory

ALERT = "JS-A-2026-0001"  # 欧阳振华, wanted for arrest by Jiangsu (320000), urgent
LIVE = 20_000  # ms: the worker polls every second, the dashboard refreshes on the event


@pytest.fixture(scope="module")
def hit_server(databases: DatabaseFactory) -> Iterator[str]:
    with demo_with_worker(databases, "hitflow") as url:
        yield url


def _as(browser: Browser, base_url: str, username: str, path: str) -> Page:
    return signed_in(browser, base_url, username, path)


def test_an_officer_reports_a_hit_and_the_issuer_confirms_it_live(
    browser: Browser, hit_server: str
) -> None:
    liaison = _as(browser, hit_server, "js.liaison", "/followups")
    expect(liaison.locator("h1")).to_be_visible()

    officer = _as(browser, hit_server, "sh.officer", "/screen")
    form = officer.locator("#check-form")
    form.locator('input[name="name"]').fill("zhenhua OUYANG")
    form.locator('input[name="birth_date"]').fill("1979-06-15")
    form.locator('input[name="purpose"]').fill("路面盘查 G60 松江收费站")
    form.locator("#check-submit").click()
    expect(officer.locator("#check-outcome")).to_have_attribute("data-result", "hit")
    candidate = officer.locator(f'article.candidate[data-alert-ref="{ALERT}"]')
    expect(candidate).to_have_attribute("data-band", "hit")
    expect(candidate.locator(".explanation li").first).to_be_visible()
    explanation = candidate.locator(".explanation").inner_text()
    assert "OUYANG" in explanation.upper(), explanation
    candidate.locator('input[name="note"]').fill("驾驶白色别克 GL8，独自一人")
    candidate.locator("button.report-hit-button").click()
    reference = officer.locator("#followup-reference")
    expect(reference).to_be_visible()
    ref = reference.inner_text().strip()
    assert ref.startswith("SH-")
    expect(officer.locator("#match-explanation")).to_contain_text("OUYANG", ignore_case=True)
    expect(officer.locator("#followup-clock .sla-running")).to_be_visible()

    # Jiangsu's duty desk never reloads: the live notification brings the hit to the desk.
    expect(liaison.locator(".notify-toast", has_text=ref)).to_be_visible(timeout=LIVE)
    row = liaison.locator(f'#followups-to-answer tr[data-reference="{ref}"]')
    expect(row).to_be_visible(timeout=LIVE)
    row.locator("a").click()
    expect(liaison.locator("#alert-label")).to_have_text("欧阳振华")
    expect(liaison.locator("#probe-facts")).to_contain_text("zhenhua OUYANG")
    liaison.locator('button[data-action="claim"]').click()
    confirm = liaison.locator("#confirm-form")
    expect(confirm).to_be_visible()
    confirm.locator('textarea[name="action"]').fill("立即抓捕并羁押，江苏押解组 2 小时内到达")
    confirm.locator('button[data-action="confirm"]').click()
    expect(liaison.locator("#answer-confirmed")).to_contain_text("江苏押解组")

    officer.reload()
    expect(officer.locator("#action-to-take")).to_contain_text("江苏押解组")
    outcome = officer.locator("#outcome-form")
    outcome.locator('input[name="outcome"][value="carried_out"]').check()
    outcome.locator('button[data-action="report_outcome"]').click()
    expect(officer.locator("#outcome")).to_be_visible()
    expect(officer.locator("#followup-status [data-status]")).to_have_attribute(
        "data-status", "closed"
    )

    liaison.reload()
    liaison.locator('button[data-action="fulfil"]').click()
    expect(liaison.locator("#alert-fulfilled")).to_be_visible()
    printed = liaison.context.new_page()
    printed.goto(f"/followups/{ref}/print")
    expect(printed.locator("#handling-banner")).to_have_text(re.compile(r"^H[0-3] · "))
