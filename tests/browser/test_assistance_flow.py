"""An assistance request in real browsers: a Shanghai (Pudong) investigator asks Zhejiang,
through the form, to locate a suspect, urgently; Zhejiang's liaison sees it arrive in the inbox
without reloading (a live notification, delivered by the embedded worker), opens it, accepts,
starts, puts it on hold with a reason, resumes and completes it with the outcome; the
investigator's page follows every step by itself, and the printable letter carries the banner."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.worker_server import demo_with_worker, signed_in
from tests.conftest import DatabaseFactory

LIVE = 20_000  # ms: the worker polls every second, the pages act on the event
SUSPECT_ID = "330106198807152413"


@pytest.fixture(scope="module")
def assist_server(databases: DatabaseFactory) -> Iterator[str]:
    with demo_with_worker(databases, "assistflow") as url:
        yield url


def _as(browser: Browser, base_url: str, username: str, path: str) -> Page:
    return signed_in(browser, base_url, username, path)


def _status(page: Page, value: str) -> None:
    expect(page.locator("#request-status [data-status]")).to_have_attribute(
        "data-status", value, timeout=LIVE
    )


def test_a_locate_request_from_shanghai_is_worked_by_zhejiang_live(
    browser: Browser, assist_server: str
) -> None:
    liaison = _as(browser, assist_server, "zj.liaison", "/assist")
    expect(liaison.locator("#assist-list")).to_be_visible()
    # The inbox listens for live notifications before the request is sent.
    expect(liaison.locator("html")).to_have_attribute("data-notify", "live", timeout=LIVE)

    investigator = _as(browser, assist_server, "sh.investigator", "/assist/new")
    form = investigator.locator("#request-form")
    form.locator('select[name="request_type"]').select_option("locate")
    form.locator('input[name="urgency"][value="urgent"]').check()
    form.locator('input[name="addressee"]').fill("330000")
    form.locator('input[name="title"]').fill("查找电信诈骗嫌疑人下落")
    form.locator('textarea[name="description"]').fill(
        "嫌疑人王某近日在杭州西湖区出现，请协助查找其落脚点。"
    )
    form.locator('textarea[name="legal_basis"]').fill("《中华人民共和国刑事诉讼法》第八十一条")
    form.locator('input[name="case_reference"]').fill("沪浦公（刑）立字〔2026〕2317号")
    first = form.locator("tr.subject-row").first
    first.locator('select[name="subject_kind"]').select_option("person")
    first.locator('input[name="subject_value"]').fill(SUSPECT_ID)
    first.locator('input[name="subject_name"]').fill("王强")
    form.locator("#send-request").click()
    reference = investigator.locator("#request-reference")
    expect(reference).to_be_visible()
    ref = reference.inner_text().strip()
    assert re.match(r"^[A-Z]+-\d{4}-\d+$", ref), ref
    _status(investigator, "requested")
    expect(investigator.locator("#request-clock .sla-running")).to_be_visible()
    expect(investigator.locator("html")).to_have_attribute("data-notify", "live", timeout=LIVE)

    # Zhejiang's liaison never reloads: the request arrives in the inbox's list by itself.
    row = liaison.locator(f'#assist-requests tr[data-reference="{ref}"]')
    expect(row).to_be_visible(timeout=LIVE)
    expect(row.locator("[data-urgency]")).to_have_attribute("data-urgency", "urgent")
    expect(row.locator("[data-countdown]")).to_be_visible()
    row.locator(f'a[href="/assist/{ref}"]').click()
    _status(liaison, "received")
    expect(liaison.locator("#request-subjects")).to_contain_text(SUSPECT_ID)
    expect(liaison.locator("#request-facts")).to_contain_text("沪浦公（刑）立字〔2026〕2317号")

    # Shanghai's page follows each step by itself.
    _status(investigator, "received")
    liaison.locator('button[data-action="accept"]').click()
    _status(liaison, "accepted")
    _status(investigator, "accepted")
    liaison.locator('button[data-action="start"]').click()
    _status(liaison, "in_progress")
    _status(investigator, "in_progress")
    hold = liaison.locator("#hold-form")
    hold.locator('input[name="reason"]').fill("等待沪方提供嫌疑人近期照片")
    hold.locator('button[data-action="hold"]').click()
    _status(liaison, "on_hold")
    expect(liaison.locator("#request-clock [data-clock]")).to_have_attribute("data-clock", "paused")
    _status(investigator, "on_hold")
    expect(investigator.locator("#status-reason")).to_contain_text("等待沪方提供嫌疑人近期照片")
    liaison.locator('button[data-action="resume"]').click()
    _status(liaison, "in_progress")
    _status(investigator, "in_progress")
    done = liaison.locator("#complete-form")
    done.locator('textarea[name="outcome"]').fill(
        "已在杭州市西湖区查获嫌疑人王强，已移交沪方押解组"
    )
    done.locator('select[name="outcome_code"]').select_option("achieved")
    done.locator('button[data-action="complete"]').click()
    _status(liaison, "completed")
    _status(investigator, "completed")
    expect(investigator.locator("#outcome-text")).to_have_text(
        "已在杭州市西湖区查获嫌疑人王强，已移交沪方押解组"
    )
    expect(investigator.locator("#request-clock [data-clock]")).to_have_attribute(
        "data-clock", "stopped"
    )
    moves = investigator.locator("#request-history tr[data-action]")
    expect(moves).to_have_count(7)

    letter = investigator.context.new_page()
    letter.goto(f"/assist/{ref}/letter")
    expect(letter.locator("#handling-banner")).to_have_text(re.compile(r"^H0 · "))
    expect(letter.locator("#handling-banner-foot")).to_have_text(re.compile(r"^H0 · "))
    expect(letter.locator("#letter-reference")).to_have_text(ref)
    expect(letter.locator("#letter-addressee")).to_contain_text("浙江省公安厅")
