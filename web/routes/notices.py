"""The public notice page (/notices, no sign-in) and objections to it, as pages and as JSON (/api/notices).

An anonymous visitor's CSRF token lives in their session cookie like anyone's (the app-wide check);
objections are throttled per client address and answered with a receipt number.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from domain.errors import ErrorCode, Violation
from web.public_notice import THROTTLE_COUNT, Filed, PublicNotice, file_public_objection, notices
from web.rendering import render
from web.session import Rt, User, optional_user

router = APIRouter()
OptionalUser = Annotated[User | None, Depends(optional_user)]
_TOO_MANY, _REFUSED, _NO_NOTICE = 429, 422, 404
_MAX_TEXT = 2000


class ObjectionIn(BaseModel):
    """An objection to a claim in notice."""

    text: str = Field(min_length=1, max_length=_MAX_TEXT)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _status(filed: Filed) -> int:
    if not filed.errors:
        return 200
    code = filed.errors[0].code
    if code is ErrorCode.FORBIDDEN:
        return _TOO_MANY
    return _NO_NOTICE if code is ErrorCode.NO_SUCH_TASK else _REFUSED


def _page(
    request: Request, rt: Rt, user: User | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    page = {"notices": notices(rt), "throttle": THROTTLE_COUNT, "filed": None, "errors": (), "form_for": None,
            "text": "", **context}  # fmt: skip
    return render(request, "notices/list.html", page, user=user, status_code=status_code)


@router.get("/notices", response_class=HTMLResponse)
def notice_page(request: Request, rt: Rt, user: OptionalUser) -> HTMLResponse:
    """The claims in notice today: class, period, amount, eligible count and the masked names."""
    return _page(request, rt, user)


@router.post("/notices/{notice_id}/objections", response_class=HTMLResponse)
async def object_page(request: Request, rt: Rt, user: OptionalUser, notice_id: int) -> HTMLResponse:
    """File an objection from the page; the answer shows the receipt number."""
    form = await request.form()
    raw = form.get("text")
    text = raw.strip()[:_MAX_TEXT] if isinstance(raw, str) else ""
    if not text:
        errors = (Violation(ErrorCode.INVALID_FIELD, "text", "请写明异议的事实和理由"),)
        return _page(request, rt, user, _REFUSED, errors=errors, form_for=notice_id)
    filed = file_public_objection(rt, notice_id, text, _address(request))
    if filed.errors:
        return _page(request, rt, user, _status(filed), errors=filed.errors, form_for=notice_id, text=text)
    return _page(request, rt, user, filed=filed.receipt, form_for=notice_id)


def _json(notice: PublicNotice) -> dict[str, Any]:
    body = asdict(notice)
    for key in ("start_date", "end_date", "notice_start", "notice_end"):
        body[key] = body[key].isoformat()
    body["names"] = list(notice.names)
    return body


@router.get("/api/notices", tags=["api"])
def notices_json(rt: Rt) -> JSONResponse:
    """The claims in notice today (names masked; no ID numbers, phones or accounts)."""
    return JSONResponse({"ok": True, "notices": [_json(n) for n in notices(rt)]})


@router.post("/api/notices/{notice_id}/objections", tags=["api"])
def object_json(request: Request, rt: Rt, notice_id: int, objection: ObjectionIn) -> JSONResponse:
    """File an objection (X-CSRF-Token from GET /api/session); answered with its receipt number."""
    filed = file_public_objection(rt, notice_id, objection.text.strip(), _address(request))
    if filed.errors:
        errors = [e.as_dict() for e in filed.errors]
        return JSONResponse({"ok": False, "errors": errors}, status_code=_status(filed))
    return JSONResponse({"ok": True, "receipt": filed.receipt})
