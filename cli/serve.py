"""`subsidyflow serve`: the web app on the configured database (the embedded one `subsidyflow demo` filled)."""

from __future__ import annotations

import signal
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import col, select

from cases.runtime import Runtime
from cases.wiring import OperatorFileError, Settings
from store.tables import UserRow

FLOWS_STOP_TIMEOUT = 30.0  # seconds for the flow run in progress to end


def sign_ins(rt: Runtime) -> Table:
    """The users who can sign in, with their roles (the demo's all share DEMO_PASSWORD)."""
    from cli.demo import DEMO_PASSWORD
    from web.session import ROLE_TITLES

    table = Table(title=f"可登录的用户（演示数据的密码均为 {DEMO_PASSWORD}）")
    for column in ("用户名", "角色"):
        table.add_column(column)
    with rt.session() as session:
        users = session.exec(
            select(UserRow).where(col(UserRow.password_hash).is_not(None)).order_by(col(UserRow.id))
        )
        for user in users:
            table.add_row(user.username, "、".join(ROLE_TITLES.get(r, r) for r in user.roles))
    return table


def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    flows: Annotated[
        bool,
        typer.Option(help="同时运行 Prefect 流程（定时器、时限、通知、拨付）"),
    ] = True,
    web: Annotated[bool, typer.Option(help="提供网页应用（--no-web：只运行流程）")] = True,
) -> None:
    """运行网页应用（待办、任务页、JSON 接口）和后台流程，按 Ctrl-C 停止。"""
    # imported here: every other command (a scenario run above all) starts without the web stack
    import uvicorn

    from cli.deploy import play_scenario
    from web.app import create_app
    from workflows.serving import start_flows

    console = Console()
    try:
        settings = Settings.from_env()
        app = create_app(settings, scenario_check=play_scenario) if web else None
    except (OperatorFileError, RuntimeError) as bad:
        Console(stderr=True).print(f"[red]无法启动[/red] {bad}", highlight=False)
        raise typer.Exit(2) from None
    if app is not None:
        console.print(sign_ins(app.state.rt))
    machinery = start_flows(settings) if flows else None
    if machinery is not None:
        console.print("后台流程（Prefect）：定时器、SLA 催办、通知发送、支付与对账、月度报表")
    try:
        if app is not None:
            console.print(
                f"[bold]subsidyflow[/bold] 已启动：请用浏览器打开 http://{host}:{port}/ （Ctrl-C 停止）"
            )
            uvicorn.run(app, host=host, port=port, log_level="warning")
        elif machinery is not None:
            console.print("[bold]subsidyflow[/bold] 后台流程已启动（Ctrl-C 停止）")
            signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop: as Ctrl-C
            while machinery[0].is_alive():
                machinery[0].join(timeout=0.5)
    except KeyboardInterrupt:  # uvicorn hands Ctrl-C back once it has shut down
        pass
    finally:
        if machinery is not None:
            thread, stop = machinery
            stop.set()  # the flow run in progress ends, then the thread
            thread.join(timeout=FLOWS_STOP_TIMEOUT)
    console.print("已停止。")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
