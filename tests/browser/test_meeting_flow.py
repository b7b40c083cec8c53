"""A meeting in a real browser: the secretariat schedules it, a member submits an agenda item,
the meeting decides and gives every member an action command, and one owner works it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from tests.browser.signin import sign_in

CHINA = ZoneInfo("Asia/Shanghai")


def _as(browser: Browser, live_server: str, username: str, path: str) -> Page:
    """A page of a fresh browser profile, signed in as `username`, at `path`."""
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    sign_in(page, username, next_path=path)
    return page


def _local(when: datetime) -> str:
    return when.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")


def test_a_decision_becomes_commands_that_an_owner_works(
    browser: Browser, live_server: str
) -> None:
    now = datetime.now(CHINA)
    secretariat = _as(browser, live_server, "yrd.secretariat", "/zones/YRD/meetings")
    form = secretariat.locator("#meeting-form")
    form.locator('input[name="title_zh"]').fill("长三角警务合作临时联席会议")
    form.locator('input[name="title_en"]').fill("Extraordinary YRD joint meeting")
    form.locator('select[name="kind"]').select_option("extraordinary")
    form.locator('input[name="starts_at"]').fill(_local(now + timedelta(days=7)))
    form.locator('input[name="agenda_cutoff_at"]').fill(_local(now + timedelta(days=3)))
    form.locator('input[name="location"]').fill("上海")
    form.locator('button[type="submit"]').click()
    reference = secretariat.locator("#meeting-reference")
    expect(reference).to_be_visible()
    ref = reference.inner_text().strip()
    meeting_path = f"/meetings/{ref}"

    liaison = _as(browser, live_server, "zj.liaison", meeting_path)
    agenda = liaison.locator("#agenda-form")
    agenda.locator('input[name="title"]').fill("跨省电信网络诈骗联合打击")
    agenda.locator('textarea[name="description"]').fill("刷单返利类诈骗同比上升")
    agenda.locator('button[type="submit"]').click()
    expect(liaison.locator("#agenda-items")).to_contain_text("跨省电信网络诈骗联合打击")

    secretariat.goto(meeting_path)
    secretariat.locator('button[data-action="publish_agenda"]').click()
    secretariat.locator('button[data-action="hold"]').click()
    expect(secretariat.locator('button[data-action="close"]')).to_be_visible()
    item = secretariat.locator(".agenda-item", has_text="跨省电信网络诈骗联合打击")
    item.locator("details.decision-form summary").click()
    decision = item.locator("details.decision-form form")
    decision.locator('textarea[name="text_zh"]').fill("各成员单位开展为期 30 天的集中打击行动")
    decision.locator('input[name="owners"][value="all"]').check()
    decision.locator('input[name="deadline"]').fill(_local(now + timedelta(days=30)))
    decision.locator('button[type="submit"]').click()
    commands = secretariat.locator(".agenda-item", has_text="跨省电信网络诈骗联合打击").locator(
        ".decision-commands tbody tr"
    )
    expect(commands).to_have_count(4)

    liaison.goto(meeting_path)
    liaison.locator('.decision-commands tr[data-owner="330000"] a').click()
    expect(liaison.locator("#command-reference")).to_be_visible()
    liaison.locator('button[data-action="acknowledge"]').click()
    expect(liaison.locator('button[data-action="start"]')).to_be_visible()
    progress = liaison.locator("#progress-form")
    progress.locator('textarea[name="text"]').fill("已部署专项行动，首轮研判完成")
    progress.locator('input[name="file"]').set_input_files(
        files=[
            {"name": "progress.txt", "mimeType": "text/plain", "buffer": "已抓获 3 人\n".encode()}
        ]
    )
    progress.locator('button[type="submit"]').click()
    reports = liaison.locator("#progress-reports")
    expect(reports).to_contain_text("已部署专项行动，首轮研判完成")
    expect(reports.locator("a.progress-file")).to_have_text("progress.txt")
    expect(liaison.locator("#command-status")).to_have_attribute("data-status", "acknowledged")
