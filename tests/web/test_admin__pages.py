"""Administration: admin only (403 to others, pages and JSON), every POST needs CSRF, statuses recorded."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pages_play import add_staff
from sqlmodel import Session, select
from web_support import PASSWORD, csrf_of, sign_in

from cases.runtime import Runtime
from store.tables import Institution, UserRow
from store.web_tables import InstitutionEvent

POSTS = ("/admin/users", "/admin/users/li/roles", "/admin/users/li/password", "/admin/users/li/unlock",
         "/admin/institutions", "/admin/projects", "/admin/projects/1/remove", "/admin/plan")  # fmt: skip


@pytest.fixture
def admin(client: TestClient, rt: Runtime, password_hash: str) -> TestClient:
    add_staff(rt, password_hash)
    sign_in(client, "root")
    return client


@pytest.mark.parametrize("user", ["wang", "jyjs", "shen"])
def test_others_are_refused_every_admin_page_and_action(client: TestClient, user: str) -> None:
    sign_in(client, user)
    assert client.get("/admin").status_code == 403
    assert client.get("/api/admin/users").status_code == 403
    assert client.get("/api/admin/plan?year=2026").status_code == 403
    token = csrf_of(client, "/inbox")
    for path in POSTS:
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    assert "系统管理" not in client.get("/inbox").text


def test_every_admin_post_needs_the_csrf_token(admin: TestClient) -> None:
    for path in POSTS:
        refused = admin.post(path, data={"name": "x"})
        assert refused.status_code == 403 and "CSRF" in refused.text, path


def test_institution_statuses_change_with_a_reason_and_are_recorded(admin: TestClient, rt: Runtime) -> None:
    token = csrf_of(admin, "/admin")
    post = {"csrf_token": token, "name": "济源技师学院"}
    assert (
        "请写明理由"
        in admin.post("/admin/institutions", data={**post, "status": "suspended", "reason": ""}).text
    )
    admin.post("/admin/institutions", data={**post, "status": "suspended", "reason": "满意度低于85%"})
    admin.post("/admin/institutions", data={**post, "status": "active", "reason": "整改验收通过"})
    admin.post("/admin/institutions", data={**post, "status": "blacklisted", "reason": "骗补"})
    assert (
        "永久取消资格"
        in admin.post("/admin/institutions", data={**post, "status": "active", "reason": "申诉"}).text
    )
    with Session(rt.db) as session:
        row = session.exec(select(Institution).where(Institution.name == "济源技师学院")).one()
        trail = session.exec(select(InstitutionEvent).order_by(InstitutionEvent.id)).all()  # type: ignore[arg-type]
    assert row.status == "blacklisted" and row.status_reason == "骗补"
    assert [(e.from_status, e.to_status, e.by) for e in trail] == [
        ("active", "suspended", "root"), ("suspended", "active", "root"), ("active", "blacklisted", "root"),
    ]  # fmt: skip
    assert admin.get("/api/admin/institutions").json()["events"][0]["to"] == "blacklisted"


def test_users_are_created_given_roles_reset_and_unlocked(admin: TestClient, rt: Runtime) -> None:
    token = csrf_of(admin, "/admin")
    short = {"csrf_token": token, "username": "xu", "display_name": "徐", "password": "short"}
    assert "密码至少 8 位" in admin.post("/admin/users", data=short).text
    admin.post(
        "/admin/users",
        data={"csrf_token": token, "username": "xu", "password": "long-enough", "roles": "reviewer"},
    )
    admin.post("/admin/users/xu/roles", data={"csrf_token": token, "roles": ["reviewer", "rechecker"]})
    for _ in range(5):
        admin.post("/login", data={"username": "li", "password": "wrong", "csrf_token": token})
    sign_in(admin, "root")
    token = csrf_of(admin, "/admin")
    admin.post("/admin/users/li/unlock", data={"csrf_token": token})
    admin.post("/admin/users/wang/password", data={"csrf_token": token, "password": "brand-new-pass"})
    with Session(rt.db) as session:
        xu = session.exec(select(UserRow).where(UserRow.username == "xu")).one()
        li = session.exec(select(UserRow).where(UserRow.username == "li")).one()
    assert xu.roles == ["reviewer", "rechecker"] and li.locked_until is None
    other = TestClient(admin.app)
    sign_in(other, "li", PASSWORD)
    sign_in(other, "wang", "brand-new-pass")


def test_projects_and_the_plan(admin: TestClient, rt: Runtime) -> None:
    token = csrf_of(admin, "/admin")
    added = admin.post(
        "/admin/projects", data={"csrf_token": token, "occupation": "茶艺师", "level": "初级工"}
    )
    assert "已发布项目" in added.text and "茶艺师" in added.text
    plan = "年度,培训机构,项目类型,计划人数\n2026,济源技师学院,,120\n".encode()
    answer = admin.post(
        "/admin/plan", data={"csrf_token": token}, files={"plan_file": ("plan.csv", plan, "text/csv")}
    )
    assert answer.status_code == 200 and "已导入 1 行" in answer.text
    lines = admin.get("/api/admin/plan?year=2026").json()["lines"]
    assert lines == [
        {"institution": "济源技师学院", "project_type": None, "quota": 120, "used": 0, "remaining": 120}
    ]
    bad = "年度,培训机构,计划人数\n2026,济源技师学院,很多\n".encode()
    refused = admin.post(
        "/admin/plan", data={"csrf_token": token}, files={"plan_file": ("p.csv", bad, "text/csv")}
    )
    assert "未导入" in refused.text and "第2行" in refused.text


def test_the_user_list_is_a_page_narrowed_by_name_and_role(admin: TestClient, rt: Runtime) -> None:
    from store.catalogue import ensure_user
    from web.admin_catalogue import USERS_SHOWN

    with Session(rt.db) as session:
        for i in range(USERS_SHOWN + 5):  # applicants: most of a national deployment's users
            ensure_user(session, f"app{i:04d}", "applicant")
        session.commit()
    whole = admin.get("/api/admin/users").json()
    assert len(whole["users"]) == USERS_SHOWN and whole["more"] is True
    names = [u["username"] for u in whole["users"]]
    assert names == sorted(names)
    found = admin.get("/api/admin/users", params={"q": "app001"}).json()
    assert [u["username"] for u in found["users"]] == [f"app{i:04d}" for i in range(10, 20)]
    assert found["more"] is False
    reviewers = admin.get("/api/admin/users", params={"role": "reviewer"}).json()
    assert [u["username"] for u in reviewers["users"]] == ["li", "wang"]
    both = admin.get("/api/admin/users", params={"q": "w", "role": "reviewer"}).json()
    assert [u["username"] for u in both["users"]] == ["wang"]
    page = admin.get("/admin", params={"q": "app01", "role": "applicant"}).text
    assert "app0099" not in page and "app0104" in page and 'value="app01"' in page
    assert "缩小范围" in admin.get("/admin").text
    assert "没有符合条件的用户" in admin.get("/admin", params={"q": "nobody-here"}).text
