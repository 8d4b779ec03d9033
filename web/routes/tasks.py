"""The task page: the task's form from its JSON Schema, errors in place, the case's earlier decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from cases.commands import FOUR_EYES, Actor
from cases.projections import last_completed_by
from domain.errors import ErrorCode, Violation
from domain.vocab import Role
from forms.task_definitions import TASKS
from store.tables import CaseRow
from tasks.inbox import InboxItem, complete, task_item
from web.form_input import form_data
from web.form_view import decision_titles, form_fields, is_review
from web.history import decisions
from web.rendering import render
from web.session import ROLE_TITLES, CurrentUser, Rt, User, flash

router = APIRouter()

FORMS = {t.id: t.form for t in TASKS}
TITLES = {t.id: t.title for t in TASKS}
_STATUS_CODES = {
    ErrorCode.CONFLICT: 409, ErrorCode.NO_SUCH_TASK: 409, ErrorCode.FORBIDDEN: 403, ErrorCode.FOUR_EYES: 403,
}  # fmt: skip


def refusal_status(errors: tuple[Violation, ...]) -> int:
    """The HTTP status of a refused command: 409 for a task changed meanwhile, 403 for rights, else 422."""
    return _STATUS_CODES.get(errors[0].code, 422) if errors else 200


def access_error(rt: Rt, user: User, item: InboxItem | None) -> Violation | None:
    """Why the user may not see this task's page (role, ownership), or None."""
    if item is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, "没有这个任务")
    if not user.holds(item.role):
        role = ROLE_TITLES.get(item.role, item.role)
        return Violation(ErrorCode.FORBIDDEN, None, f"该任务须由「{role}」角色办理，您没有这个角色")
    if item.role == Role.APPLICANT.value:
        with rt.session() as session:
            case = session.get(CaseRow, item.case_id)
        if case is None or case.applicant != user.username:
            return Violation(ErrorCode.FORBIDDEN, None, "这不是您提交的案件，无权查看")
    return None


def four_eyes_warning(rt: Rt, user: User, item: InboxItem) -> str | None:
    """The four-eyes rule explained before the user tries, when it will stop them."""
    first = FOUR_EYES.get(item.task_key)
    if first is None:
        return None
    with rt.session() as session:
        if last_completed_by(session, item.case_id, first) != user.username:
            return None
    return (
        f"四眼原则：本案的「{TITLES.get(first, first)}」是您办理的，「{item.title}」须由另一位工作人员办理，"
        "以免一人既初审又复核。请退回认领，由其他复核人员办理。"
    )


def case_version(rt: Rt, case_id: int) -> int | None:
    """The case's current version (the page carries it; a stale one is refused)."""
    with rt.session() as session:
        return session.exec(select(CaseRow.version).where(CaseRow.id == case_id)).first()


def _page(
    request: Request,
    rt: Rt,
    user: User,
    item: InboxItem,
    values: Mapping[str, Any],
    errors: tuple[Violation, ...],
    version: int | None,
    status_code: int = 200,
) -> HTMLResponse:
    form_id = FORMS.get(item.task_key, item.task_key)
    by_field = {e.field: e.message for e in errors if e.field}
    fields = form_fields(form_id, values, by_field)
    shown = {f.name for f in fields} | {c.name for f in fields for row in f.rows for c in row}
    general = [e for e in errors if not e.field or e.field not in shown]
    context = {
        "item": item, "fields": fields, "general_errors": general, "errors": errors,
        "review": is_review(form_id), "decision_titles": decision_titles(form_id),
        "history": decisions(rt, item.case_id), "case_version": version,
        "four_eyes": four_eyes_warning(rt, user, item), "open": item.status in ("open", "claimed"),
        "claimed_by_other": item.status == "claimed" and item.assignee != user.username,
    }  # fmt: skip
    return render(request, "task.html", context, user=user, status_code=status_code)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, rt: Rt, user: CurrentUser, task_id: int) -> HTMLResponse:
    """The task's page: its form, the case's decisions so far."""
    item = task_item(rt, task_id)
    refused = access_error(rt, user, item)
    if refused is not None or item is None:
        message = refused.message if refused else "没有这个任务"
        return render(
            request, "error.html", {"message": message}, user=user, status_code=404 if item is None else 403
        )
    return _page(request, rt, user, item, {}, (), case_version(rt, item.case_id))


def _version(raw: object) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


@router.post("/tasks/{task_id}", response_model=None)
async def submit(request: Request, rt: Rt, user: CurrentUser, task_id: int) -> Response:
    """Complete the task with the posted form; refused fields come back in place."""
    item = task_item(rt, task_id)
    refused = access_error(rt, user, item)
    if refused is not None or item is None:
        message = refused.message if refused else "没有这个任务"
        return render(request, "error.html", {"message": message}, user=user, status_code=403)
    form = await request.form()
    data = form_data(FORMS.get(item.task_key, item.task_key), form)
    version = _version(form.get("case_version"))
    errors = _submit(rt, user, item, data, version)
    if not errors:
        verb = decision_titles(FORMS.get(item.task_key, "")).get(str(data.get("decision")), "已提交")
        flash(request, f"「{item.title}」{item.batch}：{verb}，已办结", "success")
        return RedirectResponse("/inbox", status_code=303)
    current = task_item(rt, task_id) or item
    return _page(request, rt, user, current, data, errors, version, refusal_status(errors))


def _submit(
    rt: Rt, user: User, item: InboxItem, data: dict[str, Any], version: int | None
) -> tuple[Violation, ...]:
    if data.get("decision") in ("return", "reject") and not str(data.get("comment", "")).strip():
        verb = "退回" if data["decision"] == "return" else "不予通过"
        return (
            Violation(ErrorCode.INVALID_FIELD, "comment", f"{verb}须写明理由，告诉申请人原因和需要补正什么"),
        )
    return complete(rt, Actor(user.username, item.role), item.task_id, data, case_version=version).errors
