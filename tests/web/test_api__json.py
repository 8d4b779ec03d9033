"""The JSON API: sign-in with CSRF, inbox paging and filters, ownership, completion errors, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests_support import application
from web_support import PASSWORD

from cases.commands import Actor, submit_task
from cases.runtime import Runtime


def _file(rt: Runtime, user: str, seed: str) -> int:
    outcome = submit_task(
        rt,
        case_id=None,
        actor=Actor(user, "applicant"),
        task_key="opening_application",
        data=application(seed),
    )
    assert outcome.ok and outcome.case_id is not None, outcome
    return outcome.case_id


def _api_sign_in(client: TestClient, username: str) -> str:
    token = client.get("/api/session").json()["csrf_token"]
    assert client.post("/api/session", json={"username": username, "password": "x"}).status_code == 403
    answer = client.post(
        "/api/session", json={"username": username, "password": PASSWORD}, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 200, answer.text
    new_token: str = answer.json()["csrf_token"]
    return new_token


def test_the_inbox_pages_and_counts_what_a_reviewer_may_do(client: TestClient, rt: Runtime) -> None:
    for i in range(5):
        _file(rt, "jyjs", f"api{i}")
    token = _api_sign_in(client, "wang")
    first = client.get("/api/inbox", params={"per_page": 2}).json()
    assert first["total"] == 5 and first["pages"] == 3 and len(first["items"]) == 2
    assert first["counts"] == {"all": 5, "mine": 0, "pool": 5}
    last = client.get("/api/inbox", params={"per_page": 2, "page": 3}).json()
    assert len(last["items"]) == 1
    seen = {i["task_id"] for i in first["items"]} | {i["task_id"] for i in last["items"]}
    assert len(seen) == 3
    claimed = first["items"][0]["task_id"]
    assert client.post(f"/api/tasks/{claimed}/claim").status_code == 403  # no CSRF header
    assert client.post(f"/api/tasks/{claimed}/claim", headers={"X-CSRF-Token": token}).json()["ok"]
    mine = client.get("/api/inbox", params={"tab": "mine"}).json()
    assert [i["task_id"] for i in mine["items"]] == [claimed] and mine["counts"]["pool"] == 4
    stage = client.get("/api/inbox", params={"stage": "opening_recheck"}).json()
    assert stage["total"] == 0
    by_institution = client.get("/api/inbox", params={"institution": "没有这个机构"}).json()
    assert by_institution["total"] == 0 and by_institution["counts"]["all"] == 0


def test_an_applicant_never_sees_anothers_task(client: TestClient, rt: Runtime) -> None:
    mine = _file(rt, "jyjs", "own")
    returned = submit_task(
        rt, case_id=mine, actor=Actor("wang", "reviewer"), task_key="opening_first_review",
        data={"decision": "return", "comment": "补材料"},
    )  # fmt: skip
    assert returned.ok
    _api_sign_in(client, "other")
    assert client.get("/api/inbox").json()["total"] == 0
    client.delete("/api/session", headers={"X-CSRF-Token": client.get("/api/session").json()["csrf_token"]})
    _api_sign_in(client, "jyjs")
    items = client.get("/api/inbox").json()["items"]
    assert [(i["case_id"], i["task_key"]) for i in items] == [(mine, "opening_application")]


def test_completion_answers_the_contracts_error_objects(client: TestClient, rt: Runtime) -> None:
    _file(rt, "jyjs", "err")
    token = _api_sign_in(client, "wang")
    task_id = client.get("/api/inbox").json()["items"][0]["task_id"]
    detail = client.get(f"/api/tasks/{task_id}").json()
    assert (
        detail["schema"]["title"] == "开班初审"
        and detail["decisions"][0]["task_key"] == "opening_application"
    )
    headers = {"X-CSRF-Token": token}
    bad = client.post(f"/api/tasks/{task_id}/complete", json={"data": {"decision": "maybe"}}, headers=headers)
    assert bad.status_code == 422
    assert (
        bad.json()["errors"][0]["code"] == "invalid_field" and bad.json()["errors"][0]["field"] == "decision"
    )
    stale = client.post(
        f"/api/tasks/{task_id}/complete",
        json={"data": {"decision": "approve"}, "case_version": detail["case_version"] + 1},
        headers=headers,
    )
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "conflict"
    ok = client.post(
        f"/api/tasks/{task_id}/complete",
        json={"data": {"decision": "approve"}, "case_version": detail["case_version"]},
        headers=headers,
    )
    assert ok.json() == {"ok": True, "case_id": detail["task"]["case_id"]}


def test_the_api_is_described_and_closed_without_a_session(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/inbox", "/api/tasks/{task_id}/complete", "/api/session", "/healthz"} <= set(spec["paths"])
    assert client.get("/api/inbox").status_code == 401
