"""The applicant's pages: my cases with deadlines, a new opening application (roster typed or uploaded),
the correction of a returned one (pre-filled with the last application), the roster template.

Later applicant tasks (assessment request, claim with its commitment) open from the list in the task page.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile

from cases.commands import Actor, submit_task
from domain.errors import Violation
from domain.vocab import Role
from forms.roster_file import COLUMNS, RosterRowError
from forms.roster_template import write_roster_template
from web.applicant_cases import last_application, my_cases, open_application_task, read_uploaded_roster
from web.form_input import form_data
from web.form_view import form_fields
from web.rendering import NAV, NavItem, render
from web.session import CurrentUser, Rt, User, flash

router = APIRouter()
FORM = "opening_application"
APPLICANT = Role.APPLICANT.value
NAV.append(NavItem("/my/cases", "我的申请", frozenset({APPLICANT})))
_FORBIDDEN, _REFUSED = 403, 422
_CELL = re.compile(r"^roster\[(?P<row>\d+)\]\.(?P<col>\w+)$")


def _refuse(request: Request, user: User) -> HTMLResponse:
    message = "该页面供申请单位（机构、企业、个人）使用，您没有申请人角色"
    return render(request, "error.html", {"message": message}, user=user, status_code=_FORBIDDEN)


@router.get("/my/cases", response_class=HTMLResponse)
def my_cases_page(request: Request, rt: Rt, user: CurrentUser) -> HTMLResponse:
    """My cases: status, the stage waiting now and its working days left, my own open tasks."""
    if not user.holds(APPLICANT):
        return _refuse(request, user)
    return render(request, "applicant/cases.html", {"cases": my_cases(rt, user.username)}, user=user)


@router.get("/api/my/cases", tags=["api"])
def my_cases_json(rt: Rt, user: CurrentUser) -> JSONResponse:
    """My cases (applicants): status, waiting stage, due date and working days left."""
    if not user.holds(APPLICANT):
        error = {"code": "forbidden", "field": None, "message": "您没有申请人角色"}
        return JSONResponse({"ok": False, "errors": [error]}, status_code=_FORBIDDEN)
    cases = [
        {"id": c.id, "batch": c.batch, "institution": c.institution, "occupation": c.occupation,
         "level": c.level, "status": c.status, "status_label": c.status_label, "task_id": c.task_id,
         "stage": c.task_title, "due_at": c.due_at.isoformat() if c.due_at else None,
         "working_days_left": c.working_days_left}
        for c in my_cases(rt, user.username)
    ]  # fmt: skip
    return JSONResponse({"ok": True, "cases": cases})


@router.get("/my/roster-template.xlsx", response_model=None)
def roster_template(user: CurrentUser) -> Response:
    """The 花名册 template (004 attachment 2) to fill in and upload."""
    folder = tempfile.mkdtemp(prefix="roster-template-")
    path = write_roster_template(Path(folder) / "roster.xlsx")

    def remove() -> None:
        path.unlink(missing_ok=True)
        Path(folder).rmdir()

    return FileResponse(
        path, filename="花名册模板.xlsx", background=BackgroundTask(remove),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip


def _form_page(
    request: Request,
    user: User,
    values: dict[str, Any],
    errors: tuple[Violation, ...] = (),
    row_errors: tuple[RosterRowError, ...] = (),
    case_id: int | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    by_field = {e.field: e.message for e in errors if e.field}
    fields = form_fields(FORM, values, by_field)
    shown = {f.name for f in fields} | {c.name for f in fields for row in f.rows for c in row}
    context = {
        "fields": fields, "general_errors": [e for e in errors if not e.field or e.field not in shown],
        "row_errors": row_errors, "case_id": case_id, "errors": errors,
    }  # fmt: skip
    return render(request, "applicant/application.html", context, user=user, status_code=status_code)


async def _posted(form: FormData) -> tuple[dict[str, Any], tuple[RosterRowError, ...], bool]:
    """The application's data; an uploaded roster replaces the typed rows (its problems by row)."""
    data = form_data(FORM, form)
    upload = form.get("roster_file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return data, (), False
    read = read_uploaded_roster(upload.filename, await upload.read(MAX_READ))
    if read.ok:
        data["roster"] = [
            {"name": t.name, "id_number": t.id_number, "phone": t.phone, "group": t.group}
            for t in read.trainees
        ]
    return data, read.errors, True


MAX_READ = 2 * 1024 * 1024 + 1


@router.get("/my/applications/new", response_class=HTMLResponse)
def new_application(request: Request, user: CurrentUser) -> HTMLResponse:
    """The opening application form (开班申请)."""
    if not user.holds(APPLICANT):
        return _refuse(request, user)
    return _form_page(request, user, {})


def _by_row(errors: tuple[Violation, ...]) -> tuple[RosterRowError, ...]:
    """The roster's refused fields as rows of the uploaded file (data row i is Excel row i + 2)."""
    found = []
    for error in errors:
        cell = _CELL.match(error.field or "")
        if cell is not None:
            column = COLUMNS.get(cell["col"], (cell["col"],))[0]
            found.append(RosterRowError(int(cell["row"]) + 2, cell["col"], column, error.message))
    return tuple(found)


async def _file(request: Request, rt: Rt, user: User, case_id: int | None) -> Response:
    form = await request.form()
    try:
        return await _file_form(request, rt, user, case_id, form)
    finally:
        await form.close()


async def _file_form(request: Request, rt: Rt, user: User, case_id: int | None, form: FormData) -> Response:
    data, row_errors, uploaded = await _posted(form)
    if row_errors:
        return _form_page(request, user, data, (), row_errors, case_id, _REFUSED)
    outcome = submit_task(
        rt, case_id=case_id, actor=Actor(user.username, APPLICANT), task_key=FORM, data=data
    )
    if not outcome.ok or outcome.case_id is None:
        rows = _by_row(outcome.errors) if uploaded else ()
        return _form_page(request, user, data, outcome.errors, rows, case_id, _REFUSED)
    source = "（花名册由上传文件导入）" if uploaded else ""
    flash(request, f"开班申请「{data.get('batch', '')}」已提交{source}，等待初审", "success")
    return RedirectResponse(f"/cases/{outcome.case_id}", status_code=303)


@router.post("/my/applications/new", response_model=None)
async def file_application(request: Request, rt: Rt, user: CurrentUser) -> Response:
    """File a new opening application; refused fields and roster rows come back in place."""
    if not user.holds(APPLICANT):
        return _refuse(request, user)
    return await _file(request, rt, user, None)


def _own_returned(rt: Rt, user: User, case_id: int) -> str | None:
    """Why this case cannot be corrected by this user now, or None."""
    if not user.holds(APPLICANT):
        return "您没有申请人角色"
    rows = [c for c in my_cases(rt, user.username) if c.id == case_id]
    if not rows:
        return "这不是您提交的案件，无权修改"
    if open_application_task(rt, case_id) is None:
        return "该申请当前不需要修改（只有被退回的申请可以修改后重新提交）"
    return None


@router.get("/my/cases/{case_id}/resubmit", response_class=HTMLResponse)
def correct_application(request: Request, rt: Rt, user: CurrentUser, case_id: int) -> HTMLResponse:
    """A returned application, pre-filled with what was filed last, to correct and file again."""
    refused = _own_returned(rt, user, case_id)
    if refused is not None:
        return render(request, "error.html", {"message": refused}, user=user, status_code=_FORBIDDEN)
    return _form_page(request, user, last_application(rt, case_id), case_id=case_id)


@router.post("/my/cases/{case_id}/resubmit", response_model=None)
async def resubmit_application(request: Request, rt: Rt, user: CurrentUser, case_id: int) -> Response:
    """File the corrected application on the same case."""
    refused = _own_returned(rt, user, case_id)
    if refused is not None:
        return render(request, "error.html", {"message": refused}, user=user, status_code=_FORBIDDEN)
    return await _file(request, rt, user, case_id)
