"""The pages in a real browser (Debian's Chromium through Playwright), on a database the demo filled.

Screenshots at 1366×768 (an office PC) and 390×844 (an inspector's phone) go to var/screenshots/
for a person to look at. Never skipped under CI=true; elsewhere skipped only without /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import CHROMIUM, needs_chromium, serving, shot
from rich.console import Console

from cases.wiring import Settings
from cli.demo import DEMO_PASSWORD, run_demo
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from web.accounts import hash_password, set_password
from web.app import create_app

pytestmark = needs_chromium

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_path = tmp_path_factory.mktemp("web") / "demo.db"
    run = run_demo(db_path, BusinessCalendar(), Policy(), Console(quiet=True))
    with run.rt.session() as session:  # an administrator, to sign in to the administration page
        ensure_user(session, "root", "admin")
        set_password(session, "root", hash_password(DEMO_PASSWORD))
        session.commit()
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
    expect(page.locator("#inbox")).to_be_visible()


def test_a_reviewer_signs_in_opens_a_task_sees_the_error_in_place_and_approves(
    browser: Browser, base_url: str
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _sign_in(page, base_url, "wang")
    rows = page.locator("#inbox tbody tr")
    expect(rows.first).to_contain_text("初审")
    shot(page, "inbox-1366")
    page.locator("#inbox tbody tr", has_text="初审").first.locator("a.btn-primary").click()
    expect(page.locator("h1")).to_contain_text("初审")
    page.click("button[value=return]")
    error = page.locator('[data-field="comment"] .error-text')
    expect(error).to_contain_text("须写明理由")
    shot(page, "task-error-1366")
    page.fill("#f-comment", "材料齐全，同意")
    page.click("button[value=approve]")
    expect(page.locator(".alert-success")).to_contain_text("已办结")
    page.close()


def test_the_pages_fit_a_phone(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    _sign_in(page, base_url, "zhao")
    shot(page, "inbox-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox overflows a phone: {width}px"
    page.locator("#inbox a.btn-primary").first.click()
    expect(page.locator("h1")).to_be_visible()
    shot(page, "task-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_an_administrator_narrows_the_user_list_by_role(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{base_url}/login")
    page.fill("#username", "root")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base_url}/admin")
    page.select_option("select[name=role]", "reviewer")
    page.click("#users button:has-text('查找')")
    rows = page.locator("#users tbody tr")
    expect(rows.first).to_contain_text("wang")
    held = [
        rows.nth(i).locator("option[value=reviewer]").evaluate("o => o.selected") for i in range(rows.count())
    ]
    assert held and all(held)  # every user listed holds the role asked for
    shot(page, "admin-users-1366")
    page.close()
