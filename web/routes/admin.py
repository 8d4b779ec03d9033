"""The bureau's administration (role admin): users, the institution catalogue, projects, the year's plan.

Every page and action here is refused (403) to anyone without the admin role.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from domain.errors import Violation
from store.plan import load_plan_file, plan_progress
from web.admin_catalogue import (
    ROLES,
    STATUS_TITLES,
    add_project,
    change_status,
    create_user,
    institution_events,
    institutions,
    projects,
    remove_project,
    reset_password,
    set_roles,
    unlock,
    users,
)  # fmt: skip
from web.rendering import NAV, NavItem, render
from web.session import CurrentUser, Rt, User, flash

router = APIRouter()
ADMIN = "admin"
NAV.append(NavItem("/admin", "系统管理", frozenset({ADMIN})))
_FORBIDDEN = 403
_MAX_PLAN = 5 * 1024 * 1024


class AdminOnly(Exception):
    """A user without the admin role asked for an administration page."""


def admin_user(user: CurrentUser) -> User:
    """The signed-in administrator (403 for anyone else)."""
    if not user.holds(ADMIN):
        raise AdminOnly
    return user


Admin = Annotated[User, Depends(admin_user)]


async def refuse_non_admin(request: Request, _exc: Exception) -> Response:
    """The answer to a non-administrator (an exception handler): JSON under /api/, a page otherwise."""
    message = "系统管理页面仅限「系统管理」角色使用"
    if request.url.path.startswith("/api/"):
        error = {"code": "forbidden", "field": None, "message": message}
        return JSONResponse({"ok": False, "errors": [error]}, status_code=_FORBIDDEN)
    return render(request, "error.html", {"message": message}, status_code=_FORBIDDEN)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(
    request: Request, rt: Rt, user: Admin, year: Annotated[int | None, Query(ge=2000, le=2200)] = None,
    q: Annotated[str, Query(max_length=100)] = "", role: Annotated[str, Query(max_length=30)] = "",
) -> HTMLResponse:  # fmt: skip
    """Users (a page, narrowed by name prefix and role), institutions, projects and the plan's progress."""
    shown_year = year or rt.today().year
    with rt.session() as session:
        context: dict[str, Any] = {
            "users": users(session, q, role), "institutions": institutions(session), "events": institution_events(session),
            "projects": projects(session), "progress": plan_progress(session, shown_year), "year": shown_year,
            "roles": ROLES, "status_titles": STATUS_TITLES, "now": rt.now(),
        }  # fmt: skip
    return render(request, "admin/page.html", context, user=user)


async def _act(
    request: Request, rt: Rt, done: str, act: Callable[[Session, Any], Violation | None]
) -> Response:
    """Run one administration action on the posted form; a flash says what happened, back to the page."""
    form = await request.form()
    with rt.session() as session:
        problem = act(session, form)
        if problem is None:
            session.commit()
    flash(request, problem.message if problem else done, "error" if problem else "success")
    return RedirectResponse("/admin", status_code=303)


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/admin/users", response_model=None)
async def add_user(request: Request, rt: Rt, user: Admin) -> Response:
    """Create a user with roles and a first password."""
    return await _act(request, rt, "已创建用户", lambda s, f: create_user(
        s, _text(f, "username"), _text(f, "display_name"), _text(f, "password"), f.getlist("roles")))  # fmt: skip


@router.post("/admin/users/{username}/roles", response_model=None)
async def user_roles(request: Request, rt: Rt, user: Admin, username: str) -> Response:
    """Replace a user's roles."""
    return await _act(
        request, rt, f"已更新 {username} 的角色", lambda s, f: set_roles(s, username, f.getlist("roles"))
    )


@router.post("/admin/users/{username}/password", response_model=None)
async def user_password(request: Request, rt: Rt, user: Admin, username: str) -> Response:
    """Reset a user's password (and lift a lock-out)."""
    return await _act(
        request,
        rt,
        f"已重置 {username} 的密码",
        lambda s, f: reset_password(s, username, _text(f, "password")),
    )


@router.post("/admin/users/{username}/unlock", response_model=None)
async def user_unlock(request: Request, rt: Rt, user: Admin, username: str) -> Response:
    """Lift a user's lock-out."""
    return await _act(request, rt, f"已解除 {username} 的锁定", lambda s, _f: unlock(s, username))


@router.post("/admin/institutions", response_model=None)
async def institution_status(request: Request, rt: Rt, user: Admin) -> Response:
    """Admit, suspend, black-list or re-activate (after rectification) an institution, with a reason."""
    return await _act(request, rt, "机构状态已更新并记录", lambda s, f: change_status(
        s, _text(f, "name"), _text(f, "status"), _text(f, "reason"), user.username, rt.now()))  # fmt: skip


@router.post("/admin/projects", response_model=None)
async def project_add(request: Request, rt: Rt, user: Admin) -> Response:
    """Publish an occupation + level."""
    return await _act(
        request, rt, "已发布项目", lambda s, f: add_project(s, _text(f, "occupation"), _text(f, "level"))
    )


@router.post("/admin/projects/{project_id}/remove", response_model=None)
async def project_remove(request: Request, rt: Rt, user: Admin, project_id: int) -> Response:
    """Withdraw a published project."""
    return await _act(request, rt, "已撤下项目", lambda s, _f: remove_project(s, project_id))


@router.post("/admin/plan", response_class=HTMLResponse)
async def plan_upload(request: Request, rt: Rt, user: Admin) -> Response:
    """Load the year's plan file (.xlsx/.csv, 004 attachment 1): all or nothing, problems by row."""
    form = await request.form()
    upload = form.get("plan_file")
    try:
        if not isinstance(upload, UploadFile) or Path(upload.filename or "").suffix.lower() not in {
            ".xlsx",
            ".csv",
        }:
            flash(request, "请选择培训计划表 .xlsx 或 .csv 文件", "error")
            return RedirectResponse("/admin", status_code=303)
        content = await upload.read(_MAX_PLAN + 1)
        with tempfile.TemporaryDirectory() as folder, rt.session() as session:
            path = Path(folder) / f"plan{Path(upload.filename or '').suffix.lower()}"
            path.write_bytes(content[:_MAX_PLAN])
            result = load_plan_file(session, path)
            if result.ok:
                session.commit()
    finally:
        await form.close()
    if not result.ok:
        shown = "；".join(
            f"第{e.row}行 {e.column or ''} {e.message}" if e.row else e.message for e in result.errors[:10]
        )
        flash(request, f"计划表有 {len(result.errors)} 处问题，未导入：{shown}", "error")
    else:
        flash(
            request,
            f"已导入 {result.rows} 行：新增 {result.added}，更新 {result.changed}，未变 {result.unchanged}",
            "success",
        )
    return RedirectResponse("/admin", status_code=303)


@router.get("/api/admin/users", tags=["api"])
def users_json(
    rt: Rt, user: Admin, q: Annotated[str, Query(max_length=100)] = "", role: Annotated[str, Query(max_length=30)] = ""
) -> JSONResponse:  # fmt: skip
    """Users with roles and lock-out, by name prefix and role, a page at a time (administrators only)."""
    with rt.session() as session:
        page = users(session, q, role)
        body = [{"username": u.username, "display_name": u.display_name, "roles": list(u.roles),
                 "locked_until": u.locked_until.isoformat() if u.locked_until else None} for u in page.users]  # fmt: skip
    return JSONResponse({"ok": True, "users": body, "more": page.more})


@router.get("/api/admin/institutions", tags=["api"])
def institutions_json(rt: Rt, user: Admin) -> JSONResponse:
    """The institution catalogue and its latest status changes (administrators only)."""
    with rt.session() as session:
        body = [
            {"name": i.name, "status": i.status, "reason": i.status_reason} for i in institutions(session)
        ]
        events = [{"institution": e.institution, "from": e.from_status, "to": e.to_status, "reason": e.reason,
                   "by": e.by, "at": e.at.isoformat()} for e in institution_events(session)]  # fmt: skip
    return JSONResponse({"ok": True, "institutions": body, "events": events})


@router.get("/api/admin/plan", tags=["api"])
def plan_json(rt: Rt, user: Admin, year: Annotated[int, Query(ge=2000, le=2200)]) -> JSONResponse:
    """Progress against the year's plan by institution and project type (administrators only)."""
    with rt.session() as session:
        body = [{"institution": p.line.institution, "project_type": p.line.project_type, "quota": p.line.quota,
                 "used": p.used, "remaining": p.remaining} for p in plan_progress(session, year)]  # fmt: skip
    return JSONResponse({"ok": True, "year": year, "lines": body})
