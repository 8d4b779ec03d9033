"""The case page: who may see it, the roster masked by role, the timeline and the diagram's marks."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pages_play import add_staff, file_case, play_until
from sqlmodel import Session, select
from web_support import csrf_of, sign_in

from cases.runtime import Runtime
from store.tables import RosterEntry


@pytest.fixture
def case_id(rt: Runtime, password_hash: str) -> int:
    add_staff(rt, password_hash)
    return file_case(rt)


def _roster(rt: Runtime, case_id: int) -> list[RosterEntry]:
    with Session(rt.db) as session:
        return list(session.exec(select(RosterEntry).where(RosterEntry.case_id == case_id)))


def test_the_public_and_other_applicants_are_refused(client: TestClient, case_id: int) -> None:
    assert client.get(f"/cases/{case_id}", follow_redirects=False).status_code == 303
    assert client.get(f"/api/cases/{case_id}").status_code == 401
    assert client.get(f"/cases/{case_id}/diagrams/0.bpmn", follow_redirects=False).status_code == 303
    sign_in(client, "other")
    assert client.get(f"/cases/{case_id}").status_code == 403
    assert client.get(f"/cases/{case_id}/diagrams/0.bpmn").status_code == 403
    assert client.get("/cases/9999").status_code == 404


@pytest.mark.parametrize(("user", "whole"), [("jyjs", True), ("wang", True), ("shen", True), ("qian", False),
                                             ("root", False)])  # fmt: skip
def test_id_numbers_and_phones_are_whole_only_for_the_roles_that_need_them(
    client: TestClient, rt: Runtime, case_id: int, user: str, whole: bool
) -> None:
    sign_in(client, user)
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    for trainee in _roster(rt, case_id):
        masked = trainee.id_number[:4] + "*" * 10 + trainee.id_number[-4:]
        assert (trainee.id_number in page.text) is whole and (masked in page.text) is not whole
        assert (trainee.phone in page.text) is whole
    api = client.get(f"/api/cases/{case_id}").json()
    assert ("*" in api["roster"][0]["id_number"]) is not whole


def test_the_timeline_the_sla_days_and_the_current_task_in_the_diagram(
    client: TestClient, rt: Runtime, case_id: int
) -> None:
    play_until(rt, case_id, "opening_approval")
    sign_in(client, "zhao")
    page = client.get(f"/cases/{case_id}")
    assert "开班初审" in page.text and "开班复核" in page.text and "同意" in page.text
    assert re.search(r"<td class=\"num\">\d+ / \d+</td>", page.text)
    data = client.get(f"/api/cases/{case_id}").json()
    opening = next(d for d in data["diagrams"] if d["process_id"] == "opening")
    assert opening["current"] == [
        "opening_approval",
        "sla_opening_review",
    ]  # the task and its waiting SLA timer
    assert {"opening_application", "opening_first_review", "opening_recheck"} <= set(opening["completed"])
    main = next(d for d in data["diagrams"] if d["process_id"] == "subsidy_lifecycle")
    assert main["current"] == ["call_opening"]
    xml = client.get(opening["url"])
    assert xml.status_code == 200 and 'id="opening_approval"' in xml.text
    assert f'id="diagram-{opening["index"]}"' in page.text and "/assets/bpmn-js/" in page.text
    assert client.get("/assets/bpmn-js/bpmn-navigated-viewer.production.min.js").status_code == 200
    assert csrf_of(client, f"/cases/{case_id}")


def test_the_openapi_describes_the_page_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/cases/{case_id}", "/api/my/cases", "/api/notices", "/api/notices/{notice_id}/objections",
                 "/api/admin/users", "/api/admin/institutions", "/api/admin/plan"):  # fmt: skip
        assert path in paths, path
