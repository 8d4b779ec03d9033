"""The applicant's, case and public pages in Debian's Chromium (Playwright), on a database the demo filled.

An applicant files an application with an uploaded roster; the case page draws the diagram with the
current task marked; a visitor files an objection on the public notice and gets a receipt. Screenshots
at 1366×768 and 390×844 go to var/screenshots/. Skipped only without /usr/bin/chromium and CI != "true".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, needs_chromium, serving, shot
from rich.console import Console
from tests_support import application

from cases.wiring import Settings
from cli.demo import DEMO_PASSWORD, run_demo
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from web.app import create_app
from web.public_notice import receipt_valid

PERSONAL = re.compile(r"\d{17}[\dX]|1[3-9]\d{9}|\d{16,19}")
pytestmark = needs_chromium

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_path = tmp_path_factory.mktemp("pages") / "demo.db"
    run = run_demo(db_path, BusinessCalendar(), Policy(), Console(quiet=True))
    app = create_app(Settings(database_url=f"sqlite:///{db_path}"), rt=run.rt)
    with serving(app) as url:
        yield url
    run.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page overflows a phone: {width}px"


def test_an_applicant_files_with_an_uploaded_roster_and_sees_the_diagram(
    browser: Browser, base_url: str, tmp_path: Path
) -> None:
    values = application(
        "browser", 3, batch="2026-焊工-浏览器", start_date="2026-06-15", end_date="2026-07-31"
    )
    roster = values["roster"]
    assert isinstance(roster, list)
    csv = tmp_path / "花名册.csv"
    lines = ["姓名,身份证号,联系电话,人员类别"] + [
        f"{t['name']},{t['id_number']},{t['phone']},{t['group']}" for t in roster
    ]
    csv.write_text("\n".join(lines), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _sign_in(page, base_url, "jyjs")
    page.goto(f"{base_url}/my/cases")
    expect(page.locator("h1")).to_contain_text("我的申请")
    shot(page, "my-cases-1366")
    page.click("text=新建开班申请")
    for name in ("institution", "contact_name", "contact_phone", "bank_name", "bank_account", "batch",
                 "start_date", "end_date", "class_hours", "practical_hours", "occupation", "planned_count",
                 "teaching_plan"):  # fmt: skip
        page.fill(f"#f-{name}", str(values[name]))
    page.select_option("#f-level", str(values["level"]))
    page.check(f"input[name=mode][value={values['mode']}]")
    page.check("input[name=schedule][value=full_time]")
    page.click("#add-row")
    expect(page.locator("[data-field='roster'] tbody tr")).to_have_count(2)
    page.set_input_files("#roster_file", str(csv))
    shot(page, "application-1366")
    page.click("button[type=submit].btn-primary")
    expect(page.locator(".alert-success")).to_contain_text("花名册由上传文件导入")
    diagram = page.locator(".diagram:not([hidden])")
    expect(diagram).to_have_attribute("data-loaded", "true")
    expect(diagram.locator(".djs-element.current")).to_have_count(2)  # the first review and its SLA timer
    expect(diagram.locator("[data-element-id='opening_first_review'].current")).to_have_count(1)
    expect(page.locator(".roster tbody tr")).to_have_count(3)
    shot(page, "case-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(".diagram:not([hidden])")).to_have_attribute("data-loaded", "true")
    shot(page, "case-390")
    _fits(page)
    page.goto(f"{base_url}/my/applications/new")
    shot(page, "application-390")
    _fits(page)
    page.close()


def test_a_visitor_objects_to_a_notice_and_gets_a_receipt(browser: Browser, base_url: str) -> None:
    for width, height in ((1366, 768), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{base_url}/notices")
        expect(page.locator(".notice-class").first).to_be_visible()
        assert PERSONAL.search(page.content()) is None
        shot(page, f"notices-{width}")
        if width == 390:
            _fits(page)
        page.close()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base_url}/notices")
    page.locator(".notice-class summary").first.click()
    page.locator(".notice-class textarea").first.fill("第3名学员开班后从未到课")
    page.locator(".notice-class button[type=submit]").first.click()
    receipt = page.locator("#receipt .receipt")
    expect(receipt).to_be_visible()
    assert receipt_valid(receipt.inner_text())
    shot(page, "objection-receipt-390")
    _fits(page)
    page.close()


def test_an_inspector_checks_on_a_phone(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    _sign_in(page, base_url, "sun")
    page.goto(f"{base_url}/inbox")
    page.locator("#inbox a.btn-primary").first.click()
    expect(page.locator("form.form")).to_be_visible()
    shot(page, "inspector-task-390")
    _fits(page)
    page.close()
