"""The JSON API (/api/…): sign-in, the inbox, a task with its schema, claim / unclaim / complete.

Same rules and errors as the pages: every refusal is ``{"ok": false, "errors": [{code, field, message}]}``.
Unsafe requests carry the session's CSRF token in ``X-CSRF-Token`` (``GET /api/session`` gives it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cases.commands import Actor
from domain.errors import ErrorCode, Violation
from forms.validator import schema_for
from tasks.inbox import InboxItem, InboxQuery, claim, complete, inbox_page, task_item, unclaim
from web.accounts import SignedIn, sign_in
from web.history import decisions
from web.routes.inbox import inbox_query
from web.routes.tasks import FORMS, access_error, case_version, four_eyes_warning, refusal_status
from web.session import CurrentUser, Rt, User, csrf_token, optional_user, sign_in_session, sign_out_session

router = APIRouter(prefix="/api", tags=["api"])


class Credentials(BaseModel):
    """A sign-in."""

    username: str = Field(max_length=100)
    password: str = Field(max_length=200)


class Completion(BaseModel):
    """A task's form data, and the case version the client saw (a newer case is refused ``conflict``)."""

    data: dict[str, Any]
    case_version: int | None = None


def _refused(errors: tuple[Violation, ...] | list[Violation], status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "errors": [e.as_dict() for e in errors]}, status_code=status)


def _item(item: InboxItem) -> dict[str, Any]:
    return {
        "task_id": item.task_id, "case_id": item.case_id, "case_label": item.case_label, "batch": item.batch,
        "institution": item.institution, "occupation": item.occupation, "task_key": item.task_key,
        "title": item.title, "role": item.role, "status": item.status, "assignee": item.assignee,
        "due_at": item.due_at.isoformat() if item.due_at else None, "working_days_left": item.working_days_left,
        "overdue": item.overdue, "due_soon": item.due_soon,
    }  # fmt: skip


def _who(request: Request, user: User | None) -> dict[str, Any]:
    person = (
        {"username": user.username, "display_name": user.display_name, "roles": list(user.roles)}
        if user
        else None
    )
    return {"user": person, "csrf_token": csrf_token(request)}


@router.get("/session")
def session_info(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> dict[str, Any]:
    """Who is signed in (or null), and the session's CSRF token for unsafe requests."""
    return _who(request, user)


@router.post("/session", response_model=None)
def api_sign_in(request: Request, rt: Rt, credentials: Credentials) -> dict[str, Any] | JSONResponse:
    """Sign in (the same lock-out as the page); the answer carries the new CSRF token."""
    with rt.session() as session:
        result = sign_in(session, credentials.username, credentials.password, rt.now())
        session.commit()
    if not isinstance(result, SignedIn):
        return _refused([Violation(ErrorCode.FORBIDDEN, None, result.message)], 401)
    sign_in_session(request, result.username)
    user = User(result.username, result.display_name, result.roles)
    return {"ok": True, **_who(request, user)}


@router.delete("/session")
def api_sign_out(request: Request) -> dict[str, bool]:
    """Sign out."""
    sign_out_session(request)
    return {"ok": True}


@router.get("/inbox")
def api_inbox(
    rt: Rt, user: CurrentUser, query: Annotated[InboxQuery, Depends(inbox_query)]
) -> dict[str, Any]:
    """One page of my inbox (tab, filters, paging) with the count of every tab."""
    page = inbox_page(rt, user.username, query)
    return {
        "items": [_item(i) for i in page.items],
        "counts": {tab.value: n for tab, n in page.counts.items()},
        "total": page.total, "page": page.query.page, "per_page": page.query.per_page, "pages": page.pages,
    }  # fmt: skip


@router.get("/tasks/{task_id}", response_model=None)
def api_task(rt: Rt, user: CurrentUser, task_id: int) -> dict[str, Any] | JSONResponse:
    """A task with its form's JSON Schema, the case version to send back, and the case's decisions."""
    item = task_item(rt, task_id)
    refused = access_error(rt, user, item)
    if refused is not None or item is None:
        return _refused(
            [refused or Violation(ErrorCode.NO_SUCH_TASK, None, "没有这个任务")], 404 if item is None else 403
        )
    form_id = FORMS.get(item.task_key, item.task_key)
    return {
        "task": _item(item), "form": form_id, "schema": schema_for(form_id),
        "case_version": case_version(rt, item.case_id), "four_eyes": four_eyes_warning(rt, user, item),
        "decisions": [
            {"task_key": d.task_key, "title": d.title, "actor": d.actor, "role": d.role, "at": d.at.isoformat(),
             "decision": d.decision, "comment": d.comment}
            for d in decisions(rt, item.case_id)
        ],
    }  # fmt: skip


@router.post("/tasks/{task_id}/claim", response_model=None)
def api_claim(rt: Rt, user: CurrentUser, task_id: int) -> dict[str, Any] | JSONResponse:
    """Claim a task."""
    outcome = claim(rt, user.username, task_id)
    return (
        {"ok": True, "case_id": outcome.case_id}
        if outcome.ok
        else _refused(outcome.errors, refusal_status(outcome.errors))
    )


@router.post("/tasks/{task_id}/unclaim", response_model=None)
def api_unclaim(rt: Rt, user: CurrentUser, task_id: int) -> dict[str, Any] | JSONResponse:
    """Give a claimed task back."""
    outcome = unclaim(rt, user.username, task_id)
    return (
        {"ok": True, "case_id": outcome.case_id}
        if outcome.ok
        else _refused(outcome.errors, refusal_status(outcome.errors))
    )


@router.post("/tasks/{task_id}/complete", response_model=None)
def api_complete(rt: Rt, user: CurrentUser, task_id: int, body: Completion) -> dict[str, Any] | JSONResponse:
    """Complete a task with its form data: every check of the page (role, ownership, four eyes, form, rules)."""
    item = task_item(rt, task_id)
    refused = access_error(rt, user, item)
    if refused is not None or item is None:
        return _refused(
            [refused or Violation(ErrorCode.NO_SUCH_TASK, None, "没有这个任务")], 404 if item is None else 403
        )
    decision, comment = body.data.get("decision"), str(body.data.get("comment") or "").strip()
    if decision in ("return", "reject") and not comment:
        return _refused([Violation(ErrorCode.INVALID_FIELD, "comment", "退回或不予通过须写明理由")], 422)
    actor = Actor(user.username, item.role)
    outcome = complete(rt, actor, task_id, body.data, case_version=body.case_version)
    if not outcome.ok:
        return _refused(outcome.errors, refusal_status(outcome.errors))
    return {"ok": True, "case_id": outcome.case_id}
