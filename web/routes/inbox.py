"""The inbox page: my tasks and my roles' unclaimed ones, filters, paging, claim / unclaim."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from domain.errors import Violation
from forms.task_definitions import TASKS
from store.tables import Institution
from tasks.inbox import Due, InboxPage, InboxQuery, Tab, claim, inbox_page, task_item, unclaim
from web.rendering import render
from web.session import CurrentUser, Rt, flash

router = APIRouter()

TAB_TITLES = {Tab.ALL: "全部待办", Tab.MINE: "我已认领", Tab.POOL: "待认领"}
DUE_TITLES = {Due.OVERDUE: "已超期", Due.SOON: "即将到期"}
STAGES = {t.id: t.title for t in TASKS}


def inbox_query(
    tab: Tab = Tab.ALL,
    stage: Annotated[str | None, Query(max_length=60)] = None,
    institution: Annotated[str | None, Query(max_length=200)] = None,
    occupation: Annotated[str | None, Query(max_length=100)] = None,
    due: Annotated[Due | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> InboxQuery:
    """The inbox query of a request's parameters (empty values: no filter)."""
    return InboxQuery(
        tab, stage or None, institution or None, (occupation or "").strip() or None, due, page, per_page
    )


def page_url(query: InboxQuery, **changes: object) -> str:
    """The inbox address of ``query`` with some parameters changed (paging, tabs)."""
    params: dict[str, object] = {
        "tab": query.tab.value, "stage": query.stage, "institution": query.institution,
        "occupation": query.occupation, "due": query.due.value if query.due else None, "page": query.page,
    }  # fmt: skip
    params.update(changes)
    return "/inbox?" + urlencode({k: v for k, v in params.items() if v not in (None, "", 1) or k == "tab"})


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    rt: Rt,
    user: CurrentUser,
    tab: Tab = Tab.ALL,
    stage: Annotated[str | None, Query(max_length=60)] = None,
    institution: Annotated[str | None, Query(max_length=200)] = None,
    occupation: Annotated[str | None, Query(max_length=100)] = None,
    due: Annotated[str | None, Query(max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The user's inbox, one page."""
    query = inbox_query(tab, stage, institution, occupation, Due(due) if due in set(Due) else None, page)
    result: InboxPage = inbox_page(rt, user.username, query)
    with rt.session() as session:
        institutions = list(session.exec(select(Institution.name).order_by(col(Institution.name))))
    context = {
        "page": result, "q": query, "tab_titles": TAB_TITLES, "due_titles": DUE_TITLES, "stages": STAGES,
        "institutions": institutions, "page_url": page_url,
    }  # fmt: skip
    return render(request, "inbox.html", context, user=user)


def _answer(
    request: Request, rt: Rt, user: CurrentUser, task_id: int, errors: tuple[Violation, ...], done: str
) -> Response:
    """htmx: the task's row again; otherwise back to the inbox with a message."""
    if request.headers.get("HX-Request"):
        item = task_item(rt, task_id)
        context = {"item": item, "errors": errors, "stages": STAGES}
        return render(request, "inbox_row.html", context, user=user)
    flash(request, errors[0].message if errors else done, "error" if errors else "success")
    referer = urlsplit(request.headers.get("referer") or "")
    back = f"/inbox?{referer.query}" if referer.path == "/inbox" else "/inbox"  # never another site
    return RedirectResponse(back, status_code=303)


@router.post("/inbox/tasks/{task_id}/claim", response_model=None)
def claim_task(request: Request, rt: Rt, user: CurrentUser, task_id: int) -> Response:
    """Claim a task of one of my roles."""
    outcome = claim(rt, user.username, task_id)
    return _answer(request, rt, user, task_id, outcome.errors, "已认领，其他人将看不到该任务")


@router.post("/inbox/tasks/{task_id}/unclaim", response_model=None)
def unclaim_task(request: Request, rt: Rt, user: CurrentUser, task_id: int) -> Response:
    """Give a task I claimed back to the pool."""
    outcome = unclaim(rt, user.username, task_id)
    return _answer(request, rt, user, task_id, outcome.errors, "已退回认领，任务回到待认领")
