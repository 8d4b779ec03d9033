"""The signed-in user, CSRF tokens and flash messages, kept in the signed session cookie.

Every handler that needs a user depends on ``current_user``; every POST, PUT, PATCH and DELETE
passes ``csrf_protect`` (an app-wide dependency): the session's token in the form field
``csrf_token`` or in the ``X-CSRF-Token`` header (htmx, the JSON API).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import select

from cases.runtime import Runtime
from store.tables import UserRow

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ROLE_TITLES = {
    "applicant": "申请单位", "reviewer": "初审", "rechecker": "复核", "approver": "人社审核",
    "inspector": "监管检查", "finance": "财务", "process_owner": "流程管理", "auditor": "审计",
    "admin": "系统管理", "public": "公众",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class User:
    """The signed-in user, read from the database on every request (roles and locks take effect at once)."""

    username: str
    display_name: str
    roles: tuple[str, ...]

    def holds(self, role: str) -> bool:
        """Whether the user holds ``role``."""
        return role in self.roles


class SignInRequired(Exception):
    """No signed-in user: pages redirect to the sign-in page, the API answers 401."""


class CsrfRefused(Exception):
    """An unsafe request without the session's CSRF token."""


def runtime(request: Request) -> Runtime:
    """The runtime the app was created with."""
    rt: Runtime = request.app.state.rt
    return rt


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request whose token (header or form field) is not the session's."""
    if request.method not in _UNSAFE:
        return
    expected = request.session.get(CSRF_FIELD)
    given: Any = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    form = None
    if given is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        given = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not secrets.compare_digest(expected, given)
    ):
        if form is not None:  # a refused upload's temporary files are closed now, not left behind
            await form.close()
        raise CsrfRefused


def sign_in_session(request: Request, username: str) -> None:
    """Start a signed-in session: a fresh session (no fixation) with a new CSRF token."""
    request.session.clear()
    request.session["user"] = username
    csrf_token(request)


def sign_out_session(request: Request) -> None:
    """End the session."""
    request.session.clear()


def optional_user(request: Request, rt: Annotated[Runtime, Depends(runtime)]) -> User | None:
    """The signed-in user, or None."""
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    with rt.session() as session:
        row = session.exec(select(UserRow).where(UserRow.username == username)).first()
    if row is None or row.password_hash is None:
        return None
    return User(row.username, row.display_name or row.username, tuple(row.roles))


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The signed-in user (SignInRequired otherwise)."""
    if user is None:
        raise SignInRequired
    return user


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message shown once, on the next page rendered."""
    messages = list(request.session.get("flash", []))
    messages.append([kind, message])
    request.session["flash"] = messages[-5:]


def take_flashes(request: Request) -> list[tuple[str, str]]:
    """The flash messages, removed from the session."""
    messages = request.session.pop("flash", [])
    return [(str(kind), str(text)) for kind, text in messages]


CurrentUser = Annotated[User, Depends(current_user)]
Rt = Annotated[Runtime, Depends(runtime)]
