"""The pages in a real browser (Debian's Chromium through Playwright), on a database the demo filled.

Screenshots at 1366×768 (an office PC) and 390×844 (an inspector's phone) go to var/screenshots/
for a person to look at. Never skipped under CI=true; elsewhere skipped only without /usr/bin/chromium.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from rich.console import Console

from cases.wiring import Settings
from cli.demo import DEMO_PASSWORD, run_demo
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="no /usr/bin/chromium (CI=true never skips)",
)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_path = tmp_path_factory.mktemp("web") / "demo.db"
    run = run_demo(db_path, BusinessCalendar(), Policy(), Console(quiet=True))
    app = create_app(Settings(database_url=f"sqlite:///{db_path}"), rt=run.rt)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
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


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_reviewer_signs_in_opens_a_task_sees_the_error_in_place_and_approves(
    browser: Browser, base_url: str
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _sign_in(page, base_url, "wang")
    rows = page.locator("#inbox tbody tr")
    expect(rows.first).to_contain_text("初审")
    _shot(page, "inbox-1366")
    page.locator("#inbox tbody tr", has_text="初审").first.locator("a.btn-primary").click()
    expect(page.locator("h1")).to_contain_text("初审")
    page.click("button[value=return]")
    error = page.locator('[data-field="comment"] .error-text')
    expect(error).to_contain_text("须写明理由")
    _shot(page, "task-error-1366")
    page.fill("#f-comment", "材料齐全，同意")
    page.click("button[value=approve]")
    expect(page.locator(".alert-success")).to_contain_text("已办结")
    page.close()


def test_the_pages_fit_a_phone(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    _sign_in(page, base_url, "zhao")
    _shot(page, "inbox-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox overflows a phone: {width}px"
    page.locator("#inbox a.btn-primary").first.click()
    expect(page.locator("h1")).to_be_visible()
    _shot(page, "task-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
