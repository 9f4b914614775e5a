"""In a real browser: a researcher publishes an achievement, an admin approves it, search finds it highlighted."""
import re

from playwright.sync_api import expect


def test_researcher_publishes_admin_approves_and_keyword_search_highlights(server, accounts, login, browser):
    researcher = login(accounts["researcher"])
    researcher.goto(f"{server}/achievements/new")
    researcher.fill("#title", "钙钛矿叠层太阳能电池低温制备工艺")
    researcher.fill("#summary", "采用低温溶液法制备钙钛矿/晶硅叠层太阳能电池，转换效率超过 28%，"
                                "工艺温度低于 150 摄氏度，适合规模化生产。")
    researcher.fill("#keywords", "钙钛矿，叠层电池，光伏")
    researcher.select_option("#field_code", "0601")
    researcher.select_option("#region", "四川")
    researcher.select_option("#trl", "6")
    researcher.check("input[name=coop_modes][value=license_general]")
    researcher.select_option("#ip_items-0-ip_type", "invention")
    researcher.fill("#ip_items-0-number", "201910123456.1")  # wrong check digit first
    researcher.fill("#contact_email", "chen@example.edu.cn")
    researcher.click("#save-button")
    expect(researcher.locator("#form-invalid")).to_be_visible()
    expect(researcher.locator("#ip-fieldset")).to_contain_text("校验位错误")
    expect(researcher.locator("#title")).to_have_value("钙钛矿叠层太阳能电池低温制备工艺")  # typed values kept
    researcher.fill("#ip_items-0-number", "ZL 2019 1 0123456.X")
    researcher.click("#save-button")
    expect(researcher.locator("#listing-status")).to_contain_text("草稿")
    expect(researcher.locator("#ip-items")).to_contain_text("201910123456.X")
    researcher.click("#action-submit")
    expect(researcher.locator("#listing-status")).to_contain_text("待审核")
    listing_url = researcher.url

    admin = login(accounts["admin"])
    admin.goto(f"{server}/review/")
    item = admin.locator(".review-item", has_text="钙钛矿叠层太阳能电池")
    item.locator("button", has_text="审核通过").click()
    expect(admin.locator(".alert-success")).to_contain_text("已审核通过并发布")

    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{server}/achievements/")
    visitor.fill("input[name=q]", "钙钛矿")
    visitor.click("#search-button")
    result = visitor.locator("#results article.result").first
    expect(result).to_contain_text("叠层太阳能电池低温制备工艺")
    expect(result.locator("h2 mark").first).to_have_text("钙钛矿")
    assert re.search(r"/achievements/\d+$", listing_url)
    result.locator("h2 a").click()
    expect(visitor.locator("#listing-title")).to_have_text("钙钛矿叠层太阳能电池低温制备工艺")
    expect(visitor.locator("body")).not_to_contain_text("chen@example.edu.cn")
