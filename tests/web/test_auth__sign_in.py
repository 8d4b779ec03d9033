"""Sign-in: argon2 passwords, the session cookie, lock-out after five failures, CSRF on every POST."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from web_support import PASSWORD, csrf_of, sign_in

from bpmn.clock import VirtualClock


def test_a_right_password_opens_the_inbox_with_an_httponly_lax_cookie(client: TestClient) -> None:
    token = csrf_of(client)
    answer = client.post(
        "/login",
        data={"username": "wang", "password": PASSWORD, "csrf_token": token, "next": "/inbox"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/inbox"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get("/inbox")
    assert page.status_code == 200 and "待办任务" in page.text and "wang" in page.text


def test_a_wrong_password_is_refused_in_chinese_and_the_inbox_stays_closed(client: TestClient) -> None:
    token = csrf_of(client)
    answer = client.post("/login", data={"username": "wang", "password": "nope", "csrf_token": token})
    assert answer.status_code == 401 and "用户名或密码不正确" in answer.text
    unknown = client.post("/login", data={"username": "nobody", "password": "x", "csrf_token": token})
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text
    assert client.get("/inbox", follow_redirects=False).headers["location"] == "/login?next=/inbox"


def test_five_failures_lock_the_account_for_fifteen_minutes(client: TestClient, clock: VirtualClock) -> None:
    token = csrf_of(client)
    for _ in range(5):
        client.post("/login", data={"username": "li", "password": "wrong", "csrf_token": token})
    locked = client.post("/login", data={"username": "li", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 401 and "已锁定" in locked.text
    clock.move_to(clock.now() + timedelta(minutes=14))
    still = client.post("/login", data={"username": "li", "password": PASSWORD, "csrf_token": token})
    assert still.status_code == 401 and "已锁定" in still.text
    clock.move_to(clock.now() + timedelta(minutes=2))
    sign_in(client, "li")
    assert client.get("/inbox").status_code == 200


def test_a_success_resets_the_count_of_failures(client: TestClient) -> None:
    token = csrf_of(client)
    for _ in range(4):
        client.post("/login", data={"username": "li", "password": "wrong", "csrf_token": token})
    sign_in(client, "li")
    client.post("/logout", data={"csrf_token": csrf_of(client, "/inbox")})
    for _ in range(4):
        client.post("/login", data={"username": "li", "password": "wrong", "csrf_token": csrf_of(client)})
    sign_in(client, "li")


def test_a_post_without_the_session_token_is_refused(client: TestClient) -> None:
    refused = client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert refused.status_code == 403 and "CSRF" in refused.text
    forged = client.post("/login", data={"username": "wang", "password": PASSWORD, "csrf_token": "forged"})
    assert forged.status_code == 403
    sign_in(client, "wang")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    header = client.post(
        "/logout", headers={"X-CSRF-Token": csrf_of(client, "/inbox")}, follow_redirects=False
    )
    assert header.status_code == 303
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_sign_in_never_redirects_to_another_site(client: TestClient) -> None:
    token = csrf_of(client)
    answer = client.post(
        "/login",
        data={"username": "wang", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/inbox"


def test_health_checks_the_database_and_assets_are_served_by_the_app(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"ok": True, "database": "ok"}
    htmx = client.get("/assets/htmx.org/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:2000]
    assert client.get("/static/app.css").status_code == 200
