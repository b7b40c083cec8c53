"""The agency tree in a real browser: language switch, finding by code, lazy expansion."""

import re

from playwright.sync_api import Page, expect


def test_open_tree_switch_to_english_and_find_an_agency_by_code(page: Page) -> None:
    page.goto("/agencies")
    expect(page.get_by_role("heading", level=1)).to_have_text("机构树")
    expect(page.locator('li[data-code="310000"] > a')).to_contain_text("上海市公安局")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency tree")
    expect(page.locator('li[data-code="310000"] > a')).to_contain_text(
        "Shanghai Municipal Public Security Bureau"
    )

    page.get_by_label("Find an agency by code or name").fill("330100")
    result = page.locator("#find-results").get_by_role("link", name="330100")
    expect(result).to_contain_text("Hangzhou Municipal Public Security Bureau")
    result.click()
    expect(page).to_have_url(re.compile(r"/agencies/330100$"))
    expect(page.locator("#agency-code")).to_have_text("330100")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hangzhou Municipal Public Security Bureau"
    )
    expect(page.get_by_text("Public contact points")).to_be_visible()

    # The language choice is remembered across pages and visits.
    page.goto("/")
    expect(page.get_by_role("link", name="Agencies", exact=True)).to_be_visible()


def test_expand_a_branch_of_the_tree(page: Page) -> None:
    page.goto("/agencies")
    zhejiang = page.locator('li[data-code="330000"]')
    expect(zhejiang).to_have_attribute("aria-expanded", "false")
    zhejiang.get_by_role("button", name="展开下级机构").click()
    expect(zhejiang).to_have_attribute("aria-expanded", "true")
    hangzhou = zhejiang.locator('li[data-code="330100"]')
    expect(hangzhou).to_contain_text("杭州市公安局")
    # The same button folds the branch away and opens it again without another request.
    zhejiang.get_by_role("button", name="收起下级机构").click()
    expect(zhejiang).to_have_attribute("aria-expanded", "false")
    expect(hangzhou).to_be_hidden()
    zhejiang.get_by_role("button", name="展开下级机构").click()
    expect(hangzhou).to_be_visible()


def test_header_search_goes_to_an_agency_by_code(page: Page) -> None:
    page.goto("/")
    box = page.get_by_role("searchbox", name="搜索")
    box.fill("310115")
    box.press("Enter")
    expect(page.locator("#agency-code")).to_have_text("310115")
    expect(page.get_by_role("heading", level=1)).to_have_text("上海市公安局浦东分局")
