"""The modeler pages (role process_owner): versions and drafts, bpmn-js and dmn-js, diff, checks, deploy.

Every page and action here is refused (403) to anyone without the process_owner role. Running the
scenarios and deploying take minutes: each runs in a background thread (one per draft at a time)
and the page polls its progress with htmx.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from bpmn.deployment import models_of
from cases.deploy import (
    Candidate,
    DeployReport,
    ScenarioCheck,
    check_candidate,
    scenario_files,
    store_candidate,
)
from cases.runtime import Runtime
from domain.calendar import SHANGHAI
from domain.vocab import Role
from forms.task_definitions import TASKS
from store import deployments
from store.modeler_tables import ModelerDraft
from web.modeler_diff import FIELD_TITLES, LANE_NOTE, DraftUnreadable, diff_models
from web.modeler_drafts import DraftRefused, base_files, candidate_of, checked_files, drafts, new_draft
from web.rendering import NAV, NavItem, render
from web.session import ROLE_TITLES as ALL_ROLE_TITLES
from web.session import CurrentUser, Rt, User, flash

router = APIRouter()
OWNER = Role.PROCESS_OWNER.value
NAV.append(NavItem("/modeler", "流程建模", frozenset({OWNER})))
ROLES = sorted({t.role.value for t in TASKS})
KIND_TITLES = {"added": "新增", "removed": "删除", "changed": "修改"}


class OwnerOnly(Exception):
    """A user without the process_owner role asked for a modeler page."""


def owner_user(user: CurrentUser) -> User:
    """The signed-in process owner (403 for anyone else)."""
    if not user.holds(OWNER):
        raise OwnerOnly
    return user


Owner = Annotated[User, Depends(owner_user)]


async def refuse_non_owner(request: Request, _exc: Exception) -> Response:
    """The answer to anyone but a process owner (an exception handler)."""
    return render(request, "error.html", {"message": "流程建模页面仅限「流程管理」角色使用"}, status_code=403)


@dataclass
class Job:
    """A run of the checks on a draft (``deploy``: then store it): progress, then the report."""

    deploy: bool
    total: int = 0
    done: int = 0
    current: str = ""
    finished: bool = False
    report: DeployReport | None = None
    refused: str | None = None  # why it stopped before or after the checks (unreadable, already deployed)
    lock: threading.Lock = field(default_factory=threading.Lock)


def dry_run(candidate: Candidate, play: ScenarioCheck, job: Job) -> DeployReport:
    """cases/deploy.py's checks on a candidate: closed language, lint, parse, then the scenario suite."""
    suite = scenario_files(candidate)
    job.total = len(suite)

    def advanced(path: Path) -> None:
        with job.lock:
            job.done += 1
            job.current = path.name

    return check_candidate(candidate, suite, play, progress=advanced)


def _jobs(request: Request) -> dict[int, Job]:
    jobs: dict[int, Job] | None = getattr(request.app.state, "modeler_jobs", None)
    if jobs is None:
        jobs = {}
        request.app.state.modeler_jobs = jobs
    return jobs


def _local(moment: datetime) -> str:
    """An instant as Beijing time, to the minute."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _draft(session: Session, draft_id: int) -> ModelerDraft | None:
    return session.get(ModelerDraft, draft_id)


def _missing(request: Request, user: User) -> HTMLResponse:
    return render(request, "error.html", {"message": "没有这份草稿"}, user=user, status_code=404)


@router.get("/modeler", response_class=HTMLResponse)
def modeler_page(request: Request, rt: Rt, user: Owner) -> HTMLResponse:
    """The deployed versions and the drafts."""
    with rt.session() as session:
        context = {
            "versions": list(reversed(deployments.versions(session))),
            "drafts": drafts(session),
            "local": _local,
        }
    return render(request, "modeler/index.html", context, user=user)


@router.post("/modeler/drafts")
def create_draft(request: Request, rt: Rt, user: Owner) -> Response:
    """A new draft from the current version's models; then its editor."""
    with rt.session() as session:
        row = new_draft(rt, session, user.username)
        session.commit()
        draft_id = row.id
    flash(request, f"已从当前版本新建草稿 #{draft_id}", "success")
    return RedirectResponse(f"/modeler/drafts/{draft_id}", status_code=303)


@router.get("/modeler/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(request: Request, rt: Rt, user: Owner, draft_id: int) -> HTMLResponse:
    """The editor: the draft's files in bpmn-js and dmn-js, the properties panel, diff, checks, deploy."""
    with rt.session() as session:
        row = _draft(session, draft_id)
        if row is None:
            return _missing(request, user)
        names = sorted(row.files, key=lambda n: (not n.endswith("subsidy_lifecycle.bpmn"), n))
        config = {
            "draft": draft_id, "files": names, "roles": [[r, ALL_ROLE_TITLES.get(r, r)] for r in ROLES],
            "forms": {t.id: t.form for t in TASKS},
        }  # fmt: skip
        context = {
            "draft": row,
            "names": names,
            "config": config,
            "today": rt.today().isoformat(),
            "local": _local,
        }
    return render(request, "modeler/editor.html", context, user=user)


@router.get("/modeler/drafts/{draft_id}/files")
def draft_files(rt: Rt, _user: Owner, draft_id: int) -> JSONResponse:
    """The draft's files (name → XML) for the modelers."""
    with rt.session() as session:
        row = _draft(session, draft_id)
        if row is None:
            return JSONResponse({"ok": False, "message": "没有这份草稿"}, status_code=404)
        return JSONResponse({"ok": True, "files": row.files})


@router.post("/modeler/drafts/{draft_id}/files")
async def save_draft(request: Request, rt: Rt, user: Owner, draft_id: int) -> JSONResponse:
    """Save the XML of every file (JSON ``{"files": {name: xml}}``, the CSRF token in the header)."""
    try:
        body: Any = await request.json()
    except ValueError:
        return JSONResponse({"ok": False, "message": "请求不是 JSON"}, status_code=400)
    with rt.session() as session:
        row = _draft(session, draft_id)
        if row is None:
            return JSONResponse({"ok": False, "message": "没有这份草稿"}, status_code=404)
        try:
            files = checked_files(body.get("files") if isinstance(body, dict) else None, set(row.files))
        except (DraftRefused, DraftUnreadable) as refused:
            return JSONResponse({"ok": False, "message": str(refused)}, status_code=422)
        row.files, row.author, row.updated_at = files, user.username, rt.now()
        session.add(row)
        session.commit()
        saved = row.updated_at.astimezone(SHANGHAI).strftime("%H:%M:%S")
    return JSONResponse({"ok": True, "message": f"草稿已保存（{saved}）"})


@router.get("/modeler/drafts/{draft_id}/diff", response_class=HTMLResponse)
def draft_diff(request: Request, rt: Rt, user: Owner, draft_id: int) -> HTMLResponse:
    """The draft against its base version: elements added, removed, changed; roles and forms changed."""
    with rt.session() as session:
        row = _draft(session, draft_id)
        if row is None:
            return _missing(request, user)
        base = models_of(base_files(rt, session, row.base_version))
        try:
            diff = diff_models(base, row.files)
        except DraftUnreadable as bad:
            return render(request, "modeler/diff.html", {"unreadable": str(bad)}, user=user)
        context = {
            "diff": diff, "base_version": row.base_version, "fields": FIELD_TITLES, "kinds": KIND_TITLES,
            "note": LANE_NOTE, "unreadable": None,
        }  # fmt: skip
    return render(request, "modeler/diff.html", context, user=user)


def _run(rt: Runtime, job: Job, files: dict[str, str], base: dict[str, bytes], plan: dict[str, Any]) -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="subsidyflow-draft-") as directory:
            candidate = candidate_of(files, base, Path(directory), plan["effective_from"])
            report = dry_run(candidate, plan["play"], job)
            with job.lock:
                job.report = report
            if job.deploy and report.ok:
                with Session(rt.db) as session:
                    stored = store_candidate(
                        session, candidate, by=plan["by"], reason=plan["reason"], at=rt.now()
                    )
                    session.commit()
                with job.lock:
                    report.stored = stored
    except (DraftRefused, ValueError) as refused:  # add_version: these files are a version already
        with job.lock:
            job.refused = str(refused)
    except Exception as crashed:  # a crash of the checks is shown on the page, never lost in a thread
        with job.lock:
            job.refused = f"检查中断：{type(crashed).__name__}: {crashed}"
    finally:
        with job.lock:
            job.finished = True


def _start(request: Request, rt: Runtime, user: User, draft_id: int, plan: dict[str, Any]) -> HTMLResponse:
    jobs = _jobs(request)
    running = jobs.get(draft_id)
    if running is not None and not running.finished:
        return _job_page(request, user, draft_id, running)
    play: ScenarioCheck | None = getattr(request.app.state, "scenario_check", None)
    with rt.session() as session:
        row = _draft(session, draft_id)
        if row is None:
            return _missing(request, user)
        files, base = dict(row.files), base_files(rt, session, row.base_version)
    job = Job(deploy=plan["deploy"])
    if play is None:
        job.refused, job.finished = "此服务未配置场景运行器（请用 subsidyflow serve 启动网页服务）", True
    else:
        plan["play"] = play
        thread = threading.Thread(target=_run, args=(rt, job, files, base, plan), daemon=True)
        thread.start()
    jobs[draft_id] = job
    return _job_page(request, user, draft_id, job)


def _job_page(request: Request, user: User, draft_id: int, job: Job) -> HTMLResponse:
    with job.lock:
        context = {
            "draft_id": draft_id, "job": job, "report": job.report, "refused": job.refused,
            "stored": job.report.stored if job.report is not None else None,
            "passed": sum(1 for _, failed in job.report.scenarios if failed is None) if job.report else 0,
        }  # fmt: skip
        return render(request, "modeler/check.html", context, user=user)


@router.post("/modeler/drafts/{draft_id}/check", response_class=HTMLResponse)
def start_check(request: Request, rt: Rt, user: Owner, draft_id: int) -> HTMLResponse:
    """Run the checks and the scenario suite on the draft (a dry run: nothing is deployed)."""
    plan = {"deploy": False, "effective_from": None, "by": user.username, "reason": ""}
    return _start(request, rt, user, draft_id, plan)


@router.post("/modeler/drafts/{draft_id}/deploy", response_class=HTMLResponse)
def start_deploy(
    request: Request,
    rt: Rt,
    user: Owner,
    draft_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
    effective_from: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """Check the draft again and, when every check passes, store it as the next version."""
    starts: date | None = None
    problem = None if reason.strip() else "请填写部署原因"
    if effective_from.strip():
        try:
            starts = date.fromisoformat(effective_from.strip())
        except ValueError:
            problem = f"生效日期 {effective_from} 不是日期（应为 YYYY-MM-DD）"
    if problem is not None:
        job = Job(deploy=True, finished=True, refused=problem)
        return _job_page(request, user, draft_id, job)
    plan = {"deploy": True, "effective_from": starts, "by": user.username, "reason": reason.strip()}
    return _start(request, rt, user, draft_id, plan)


@router.get("/modeler/drafts/{draft_id}/check", response_class=HTMLResponse)
def check_progress(request: Request, user: Owner, draft_id: int) -> HTMLResponse:
    """The progress or the result of the draft's latest run (htmx polls this while it runs)."""
    job = _jobs(request).get(draft_id)
    if job is None:
        return HTMLResponse('<p class="muted">尚未运行检查。</p>')
    return _job_page(request, user, draft_id, job)
