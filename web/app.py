"""The app factory: ``create_app(settings)`` wires the web app from the same settings as every command.

Assets are served by the app itself (a government intranet has no CDN): our stylesheet from
web/static, htmx from the npm package that scripts/bootstrap installs into node_modules.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.middleware.sessions import SessionMiddleware

from cases.deploy import ScenarioCheck
from cases.runtime import Runtime
from cases.wiring import Settings, runtime
from web.rendering import render
from web.routes import admin, api, applicant, auth, cases, evidence, inbox, modeler, notices, tasks
from web.session import CsrfRefused, SignInRequired, csrf_protect

SECRET_ENV = "SUBSIDYFLOW_SECRET_KEY"  # noqa: S105 - the name of the variable, not a secret
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
STATIC = Path(__file__).resolve().parent / "static"
# npm package → the folder of it the app serves under /assets/<package>/
ASSETS = {"htmx.org": "dist", "bpmn-js": "dist", "dmn-js": "dist"}
SESSION_HOURS = 10


def _assets(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for package, folder in ASSETS.items():
        directory = NODE_MODULES / package / folder
        if not directory.is_dir():
            raise RuntimeError(f"{directory} 不存在：请先运行 scripts/bootstrap（npm ci 安装前端依赖）")
        app.mount(f"/assets/{package}", StaticFiles(directory=directory), name=package)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _exc: Exception) -> Response:
        if _is_api(request):
            error = {"code": "forbidden", "field": None, "message": "请先登录"}
            return JSONResponse({"ok": False, "errors": [error]}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: Exception) -> Response:
        message = "页面已过期或请求来源不明（CSRF 校验未通过），请刷新页面后重试"
        if _is_api(request):
            error = {"code": "forbidden", "field": None, "message": message}
            return JSONResponse({"ok": False, "errors": [error]}, status_code=403)
        return render(request, "error.html", {"message": message}, status_code=403)


def create_app(
    settings: Settings,
    *,
    rt: Runtime | None = None,
    secret_key: str | None = None,
    scenario_check: ScenarioCheck | None = None,
) -> FastAPI:
    """The web app on the settings' database, policy and calendar (``rt``: a runtime made already).

    ``scenario_check`` plays one scenario on a candidate (the modeler's "run the scenarios" and deploy:
    `subsidyflow serve` passes the CLI's player; without it those buttons say it is not configured).

    The session key comes from `SUBSIDYFLOW_SECRET_KEY` (set it when several web processes serve one
    database); without it each process makes its own, and sessions end when it restarts.
    """
    app = FastAPI(
        title="subsidyflow",
        summary="补贴性职业技能培训全流程：待办、办理、接口",
        dependencies=[Depends(csrf_protect)],
    )
    app.state.rt = rt if rt is not None else runtime(settings)
    app.state.evidence_dir = settings.evidence_path()
    app.state.scenario_check = scenario_check
    key = secret_key or os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie="subsidyflow_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=False,  # intranet deployments are often plain HTTP; put TLS in front where there is one
    )
    _assets(app)
    _handlers(app)
    for module in (auth, inbox, tasks, api, cases, evidence, notices, applicant, admin, modeler):
        app.include_router(module.router)
    app.add_exception_handler(admin.AdminOnly, admin.refuse_non_admin)
    app.add_exception_handler(modeler.OwnerOnly, modeler.refuse_non_owner)

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """Whether the app can reach its database."""
        try:
            with app.state.rt.db.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as down:  # any failure of the database means "not healthy"
            body: dict[str, Any] = {"ok": False, "database": type(down).__name__}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"ok": True, "database": "ok"})

    return app
