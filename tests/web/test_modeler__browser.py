"""The modeler in a real browser (Debian's Chromium through Playwright): edit, save, see the diff.

A process owner opens the opening process of the lifecycle in bpmn-js, drags a task and resizes a
lane with the mouse, changes the review timer in our properties panel, saves, and sees a diff with
the timer changed and no role changed. Screenshots at 1366×768 go to var/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from browser_support import CHROMIUM, needs_chromium, serving, shot
from sqlmodel import Session

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from cases.wiring import Settings
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from store.db import create_schema, make_engine
from web.accounts import hash_password, set_password
from web.app import create_app

PASSWORD = "owner-pass-1"  # noqa: S105 - a test password
pytestmark = needs_chromium

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('modeler') / 'modeler.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with Session(engine) as session:
        ensure_user(session, "zhou", "process_owner")
        set_password(session, "zhou", hash_password(PASSWORD))
        session.commit()
    clock = VirtualClock(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    rt = Runtime(engine, clock, BusinessCalendar(), Policy())
    app = create_app(Settings(database_url=url), rt=rt, secret_key="browser-secret")  # noqa: S106
    with serving(app) as url:
        yield url
    engine.dispose()


def _drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    steps = 8
    for i in range(1, steps + 1):
        page.mouse.move(
            start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps
        )
    page.mouse.up()


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}


def _js(page: Page, script: str) -> object:
    return page.evaluate(f"() => {{ const m = window.subsidyflowModeler.bpmn; {script} }}")


def test_a_process_owner_edits_saves_and_sees_the_diff(base_url: str) -> None:
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base_url}/login")
        page.fill("#username", "zhou")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.click("nav.nav >> text=流程建模")
        shot(page, "modeler_index_1366")
        page.click("#new-draft")
        expect(page.locator("body[data-modeler-ready=true]")).to_be_attached(timeout=20_000)
        page.click(".modeler-tab[data-file='processes/opening.bpmn']")
        task = "g.djs-element[data-element-id='opening_application']"
        expect(page.locator(task)).to_be_visible()
        shot(page, "modeler_opened_1366")

        before = _js(page, "return m.get('elementRegistry').get('opening_application').y;")
        box = _box(page, f"{task} .djs-hit")
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        _drag(page, centre, (centre[0] + 30, centre[1] + 60))  # down, into the reviewer lane
        assert _js(page, "return m.get('elementRegistry').get('opening_application').y;") != before
        expect(page.locator("#prop-role")).to_have_value("applicant")
        expect(page.locator("#prop-form")).to_have_value("opening_application")

        lane = "opening_lane_applicant"
        height = _js(page, f"return m.get('elementRegistry').get('{lane}').height;")
        lane_box = _box(page, f"g.djs-element[data-element-id='{lane}'] .djs-hit")
        page.mouse.click(lane_box["x"] + 12, lane_box["y"] + lane_box["height"] / 2)  # the lane's label band
        handle = _box(page, ".djs-resizer-s .djs-resizer-hit")
        grip = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        _drag(page, grip, (grip[0], grip[1] + 40))
        assert _js(page, f"return m.get('elementRegistry').get('{lane}').height;") != height

        # diagram-js traps the first element click after a resize (its mouseup was off the handle): click twice
        timer = _box(page, "g.djs-element[data-element-id='sla_opening_review'] .djs-hit")
        for _ in range(2):
            page.mouse.click(timer["x"] + timer["width"] / 2, timer["y"] + timer["height"] / 2)
            page.wait_for_timeout(300)
        expect(page.locator("#prop-timer")).to_have_value("opening_review_deadline(start_date)")
        page.fill("#prop-timer", "opening_review_deadline(end_date)")
        page.press("#prop-timer", "Tab")
        expect(page.locator(".modeler-tab.dirty")).to_have_count(1)
        shot(page, "modeler_edited_1366")

        page.click("#save-draft")
        expect(page.locator("#save-status")).to_contain_text("草稿已保存")
        page.click("#show-diff")
        diff = page.locator("#diff-result")
        expect(diff).to_be_visible()
        expect(diff.locator("tr[data-element='sla_opening_review']")).to_contain_text(
            "opening_review_deadline(end_date)"
        )
        expect(diff.locator("#diff-roles")).to_contain_text("角色变化：无")
        expect(diff.locator("tr[data-element='opening_application']")).to_have_count(0)
        expect(diff.locator("tbody tr")).to_have_count(1)
        page.locator("#diff-card").scroll_into_view_if_needed()
        shot(page, "modeler_diff_1366")

        page.click(".modeler-tab[data-file='decisions/subsidy_standard.dmn']")
        expect(page.locator("#dmn-canvas .tjs-table")).to_be_visible()
        expect(page.locator("#dmn-canvas")).to_contain_text("补贴标准")
        page.locator("#dmn-canvas").scroll_into_view_if_needed()
        shot(page, "modeler_dmn_1366")
        browser.close()
    assert errors == []
