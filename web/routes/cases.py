"""The case page (/cases/{id}) and its JSON (/api/cases/{id}): timeline, diagram, roster, figures.

Applicants see only their own cases; every staff role sees all of them; the public none.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import col, select

from domain.errors import Refused
from store.tables import CaseRow, HumanTask
from web.case_record import figures, may_see, roster, sla_stages, status_label, timeline
from web.diagram import ProcessDiagram, completed_elements, diagrams, first_active, process_files
from web.rendering import render
from web.routes.evidence import evidence_list
from web.session import CurrentUser, Rt, User

router = APIRouter()
_NOT_YOURS = "这不是您提交的案件，无权查看"
_NO_CASE = "没有这个案件"
_OPEN = ("open", "claimed")
_FORBIDDEN, _NOT_FOUND = 403, 404


def _case(rt: Rt, user: User, case_id: int) -> tuple[CaseRow | None, int]:
    """The case if the user may see it; else None and the status to answer (404 unknown, 403 not theirs)."""
    with rt.session() as session:
        case = session.get(CaseRow, case_id)
    if case is None:
        return None, _NOT_FOUND
    return (case, 200) if may_see(user, case) else (None, _FORBIDDEN)


def _current(rt: Rt, case: CaseRow) -> tuple[set[str], str | None]:
    """The ready tasks and waiting timers of the case's engine (or why they cannot be shown)."""
    with rt.session() as session:
        try:
            view = rt.load_run(session, case).view()
        except Refused as refused:  # a quarantined case, a deployment that fails its hash
            return set(), f"流程状态无法加载：{refused}"
    return {t.spec_id for t in view.ready} | {t.spec_id for t in view.timers}, None


def case_data(rt: Rt, user: User, case: CaseRow) -> dict[str, Any]:
    """Everything the case page shows, as plain values (the page and the JSON share it)."""
    assert case.id is not None  # noqa: S101 - persisted
    current, problem = _current(rt, case)
    with rt.session() as session:
        done = completed_elements(session, case.id)
        tabs = diagrams(process_files(session, case.deployment_id), done, current)
        events = timeline(session, case.id)
        stages = sla_stages(rt, session, case.id)
        trainees = roster(session, case, user)
        open_tasks = list(
            session.exec(
                select(HumanTask).where(HumanTask.case_id == case.id, col(HumanTask.status).in_(_OPEN))
            )
        )
    return {
        "case": case, "status_label": status_label(case.status), "figures": figures(case), "events": events,
        "stages": stages, "roster": trainees, "tabs": tabs, "first_tab": first_active(tabs),
        "diagram_problem": problem, "open_tasks": open_tasks, "evidence": evidence_list(rt, user, case.id),
    }  # fmt: skip


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, rt: Rt, user: CurrentUser, case_id: int) -> HTMLResponse:
    """The case: status and figures, timeline with SLA days, diagram, roster."""
    case, status = _case(rt, user, case_id)
    if case is None:
        message = _NO_CASE if status == _NOT_FOUND else _NOT_YOURS
        return render(request, "error.html", {"message": message}, user=user, status_code=status)
    return render(request, "case/page.html", case_data(rt, user, case), user=user)


@router.get("/cases/{case_id}/diagrams/{index}.bpmn", response_model=None)
def diagram_file(rt: Rt, user: CurrentUser, case_id: int, index: int) -> Response:
    """The BPMN of one tab of the case's diagram, from the deployment the case pinned."""
    case, status = _case(rt, user, case_id)
    if case is None:
        return Response(status_code=status)
    with rt.session() as session:
        files = process_files(session, case.deployment_id)
    tabs = diagrams(files, set(), set())
    if not 0 <= index < len(tabs):
        return Response(status_code=404)
    body = files[tabs[index].file]
    return Response(body, media_type="application/xml", headers={"Cache-Control": "private, max-age=3600"})


def _tab(tab: ProcessDiagram, case_id: int) -> dict[str, Any]:
    return {**asdict(tab), "url": f"/cases/{case_id}/diagrams/{tab.index}.bpmn"}


@router.get("/api/cases/{case_id}", tags=["api"])
def case_json(rt: Rt, user: CurrentUser, case_id: int) -> JSONResponse:
    """The case page's data: status, figures, timeline, SLA stages, roster (masked by role), diagram marks."""
    case, status = _case(rt, user, case_id)
    if case is None:
        error = {"code": "forbidden" if status == _FORBIDDEN else "no_such_task", "field": None,
                 "message": _NOT_YOURS if status == _FORBIDDEN else _NO_CASE}  # fmt: skip
        return JSONResponse({"ok": False, "errors": [error]}, status_code=status)
    data = case_data(rt, user, case)
    body = {
        "ok": True, "id": case.id, "batch": case.batch, "institution": case.institution,
        "occupation": case.occupation, "level": case.level, "start_date": case.start_date.isoformat(),
        "end_date": case.end_date.isoformat(), "status": case.status, "status_label": data["status_label"],
        "applicant": case.applicant, "figures": dict(data["figures"]),
        "events": [{**asdict(e), "at": e.at.isoformat()} for e in data["events"]],
        "sla": [
            {"title": s.title, "due": s.due.isoformat(), "used": s.used, "allowed": s.allowed,
             "finished": s.finished.isoformat() if s.finished else None, "breached": s.breached}
            for s in data["stages"]
        ],
        "roster": [asdict(t) for t in data["roster"]],
        "diagrams": [_tab(t, case_id) for t in data["tabs"]],
    }  # fmt: skip
    return JSONResponse(body)
