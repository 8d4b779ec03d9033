"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.accounts import SignedIn, sign_in
from web.rendering import render
from web.session import Rt, flash, sign_in_session, sign_out_session

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/inbox"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002 - the query name
    """The sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next), "username": "", "error": None})


@router.post("/login", response_model=None)
def login(
    request: Request,
    rt: Rt,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/inbox",  # noqa: A002 - the form field's name
) -> Response:
    """Check the password; a refusal re-shows the form with the reason (lock-out included)."""
    with rt.session() as session:
        result = sign_in(session, username, password, rt.now())
        session.commit()
    if not isinstance(result, SignedIn):
        context = {"next": _safe_next(next), "username": username, "error": result.message}
        return render(request, "login.html", context, status_code=401)
    sign_in_session(request, result.username)
    flash(request, f"{result.display_name}，欢迎登录", "success")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """End the session."""
    sign_out_session(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def home() -> RedirectResponse:
    """The inbox is the start page."""
    return RedirectResponse("/inbox", status_code=303)
