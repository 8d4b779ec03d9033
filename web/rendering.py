"""Jinja2 pages: the templates folder, the navigation and what every page's layout needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from web.session import ROLE_TITLES, User, csrf_token, take_flashes

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link of the top navigation, shown to users holding any of ``roles`` (empty: everyone)."""

    href: str
    label: str
    roles: frozenset[str] = frozenset()


# Each area adds its own entries (web/app.py registers them in order).
NAV: list[NavItem] = [NavItem("/inbox", "待办任务")]


def nav_for(user: User | None) -> list[NavItem]:
    """The navigation entries the user may see."""
    if user is None:
        return []
    return [item for item in NAV if not item.roles or item.roles & set(user.roles)]


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page rendered with the layout's context: user, roles, navigation, CSRF token, flash messages."""
    page: dict[str, Any] = {
        "user": user,
        "nav": nav_for(user),
        "role_titles": ROLE_TITLES,
        "csrf_token": csrf_token(request),
        "flashes": take_flashes(request),
        "path": request.url.path,
    }
    page.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, page, status_code=status_code)
