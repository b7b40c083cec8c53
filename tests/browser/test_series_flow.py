"""Series discovery in real browsers: a Pudong (Shanghai) investigator-analyst opens a series the
demo's discovery found between Pudong's and Zhejiang's cases, follows an evidence path to the
case it leads to, and opens a joint case in one click; Zhejiang's liaison then finds the joint
case in the inbox (delivered by the embedded worker) and among the joint cases."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.worker_server import demo_with_worker, signed_in
from tests.conftest import DatabaseFactory

LIVE = 20_000  # ms: the worker polls every second
PURPOSE = "沪浦公（刑）立字〔2026〕2319号 电信诈骗串案研判"


@pytest.fixture(scope="module")
def series_server(databases: DatabaseFactory) -> Iterator[str]:
    with demo_with_worker(databases, "seriesflow", records=True) as url:
        yield url


def test_an_analyst_follows_a_series_and_opens_a_joint_case(
    browser: Browser, series_server: str
) -> None:
    page = signed_in(browser, series_server, "sh.investigator", "/series")
    row = page.locator("a", has_text="SR-000004").first
    expect(row).to_be_visible()
    row.click()
    page.locator('#purpose-form input[name="purpose"]').fill(PURPOSE)
    page.locator("#purpose-form button[type=submit]").click()

    expect(page.locator("#series-title")).to_contain_text("SR-000004")
    expect(page.locator("#series-graph canvas").first).to_be_visible()
    path = page.locator("#evidence-paths li.evidence-path").first
    expect(path).to_be_visible()
    # Follow the evidence path: from the first case, through the shared identifier, to the next.
    target = path.locator("a.case-ref").last
    label = target.inner_text()
    target.click()
    expect(page).to_have_url(re.compile(r"/records/[0-9a-f-]+\?purpose="))
    expect(page.locator("h1")).to_contain_text(label)
    page.go_back()
    expect(page.locator("#series-title")).to_contain_text("SR-000004")

    page.locator("#open-joint-case").click()
    expect(page).to_have_url(re.compile(r"/joint-cases/"))
    reference = page.locator("#joint-case-reference").inner_text()
    expect(page.locator("#joint-case-members")).to_contain_text("330000")

    liaison = signed_in(browser, series_server, "zj.liaison", "/inbox")
    notice = liaison.locator("main").get_by_text(reference).first
    for _ in range(20):  # the worker delivers within a few seconds
        if notice.count():
            break
        liaison.wait_for_timeout(1000)
        liaison.reload()
    expect(notice).to_be_visible(timeout=LIVE)
    liaison.goto("/joint-cases")
    expect(liaison.locator("main")).to_contain_text(reference)
    page.context.close()
    liaison.context.close()
