"""Person linkage in a real browser: a Pudong (Shanghai) investigator-analyst searches a name
typed in pinyin, opens the record and its person cluster, sees Zhejiang's record of the same
man (in Latin letters, where Pudong wrote him in traditional characters) with the fields that
matched and the waterfall of their weights, and records a judgement that the page then lists."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.worker_server import signed_in

PURPOSE = "沪浦公（刑）立字〔2026〕2318号 电信诈骗案"


def test_an_analyst_finds_a_person_across_scripts_and_judges_the_link(
    browser: Browser, live_server: str
) -> None:
    page = signed_in(browser, live_server, "sh.investigator", "/records")
    search = page.locator("#records-search")
    search.locator('input[name="q"]').fill("liang binze")
    search.locator('input[name="purpose"]').fill(PURPOSE)
    page.locator("#records-search-submit").click()

    zhejiang = page.locator('#records-results .record-group[data-agency="330000"]')
    expect(zhejiang).to_contain_text("BINZE LIANG")
    expect(page.locator('#records-results .record-group[data-agency="310115"]')).to_contain_text(
        "梁彬澤"
    )
    zhejiang.locator("a.record-link").first.click()
    expect(page.locator("#cluster-link")).to_be_visible()
    page.locator("#cluster-link").click()

    # The cluster: Pudong's own record and Zhejiang's, each as its agency wrote it.
    pudong_card = page.locator('#cluster-records .agency-records[data-agency="310115"]')
    zhejiang_card = page.locator('#cluster-records .agency-records[data-agency="330000"]')
    expect(pudong_card).to_contain_text("梁彬澤")
    expect(zhejiang_card).to_contain_text("BINZE LIANG")
    expect(zhejiang_card).to_contain_text("310110200411251734")
    # The fields that matched, and ECharts' drawing of their weights.
    links = page.locator("#cluster-links")
    expect(links.locator('li[data-field="name"]').first).to_be_visible()
    expect(links.locator('li[data-field="resident_id"]').first).to_contain_text("+")
    expect(page.locator(".waterfall-chart canvas").first).to_be_visible()

    pudong = pudong_card.locator("article.cluster-record").first.get_attribute("data-record")
    zhejiang_id = zhejiang_card.locator("article.cluster-record").first.get_attribute("data-record")
    assert pudong
    assert zhejiang_id
    form = page.locator("#judgement-form")
    form.locator('select[name="left_id"]').select_option(pudong)
    form.locator('select[name="right_id"]').select_option(zhejiang_id)
    form.locator('input[name="verdict"][value="same"]').check()
    form.locator('textarea[name="reason"]').fill("身份证号一致，户籍照片比对为同一人")
    form.locator('button[type="submit"]').click()

    judged = page.locator('#judgements tr.judgement[data-verdict="same"]')
    expect(judged).to_contain_text("sh.investigator")
    expect(judged).to_contain_text("身份证号一致")
    expect(page.locator("#cluster-records")).to_contain_text("BINZE LIANG")  # still one person
    page.context.close()
