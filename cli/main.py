"""The `subsidyflow` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cases.wiring import OperatorFileError, Settings
from cli.audit import audit_app
from cli.deploy import deploy
from cli.documents import documents
from cli.migrate import migrate_command
from cli.personal import personal_app
from cli.plan import plan_app
from cli.records import records_app
from cli.replay_command import replay
from cli.roster import roster_app
from cli.scenario_file import ScenarioMalformed, read_scenario
from cli.serve import serve
from cli.simulate import simulate
from domain.calendar import BusinessCalendar
from domain.policy import Policy

app = typer.Typer(help="subsidyflow: 补贴性职业技能培训全流程", no_args_is_help=True, add_completion=False)
scenario_app = typer.Typer(help="场景文件：全流程的可执行契约（逐步办理、核对预期）。", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
app.add_typer(records_app, name="records")
app.add_typer(plan_app, name="plan")
app.add_typer(audit_app, name="audit")
app.add_typer(roster_app, name="roster")
app.add_typer(personal_app, name="personal")
console = Console(width=max(120, Console().width))
err_console = Console(stderr=True, soft_wrap=True)


def operator_calendar() -> BusinessCalendar:
    """The official calendar plus the operator calendar file (`SUBSIDYFLOW_CALENDAR_FILE`), if any.

    A bad file ends the command with a message naming the file, the key and the fix (exit 2).
    """
    try:
        return Settings.from_env().calendar()
    except OperatorFileError as bad:
        err_console.print(f"[red]运营日历文件有误[/red] {escape(str(bad))}", highlight=False)
        raise typer.Exit(2) from None


def operator_policy() -> Policy:
    """The bureau's policy file (`SUBSIDYFLOW_POLICY_FILE`), or the shipped defaults (a bad file: exit 2)."""
    try:
        return Settings.from_env().policy()
    except OperatorFileError as bad:
        err_console.print(f"[red]策略文件有误[/red] {escape(str(bad))}", highlight=False)
        raise typer.Exit(2) from None


def _run_file(path: Path, calendar: BusinessCalendar) -> dict[str, Any]:
    from cli.scenario_run import ScenarioRun

    text, scenario = read_scenario(path)
    run = ScenarioRun(scenario, text, calendar)
    try:
        return run.run()
    finally:
        run.close()


@scenario_app.command("run")
def scenario_run(
    path: Annotated[Path, typer.Argument(help="场景文件（.yaml），或存放场景文件的目录")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果对象（目录：结果列表）")] = False,
) -> None:
    """在一次性数据库和虚拟时钟上运行场景文件，核对 expect 中的预期。"""
    if not path.exists():
        err_console.print(f"[red]没有这个文件或目录：{path}[/red]")
        raise typer.Exit(2)
    files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
    if not files:  # nothing ran: said, so a job pointed at the wrong folder is noticed
        err_console.print(
            f"[yellow]目录 {escape(str(path))} 中没有 .yaml / .yml 场景文件[/yellow]", highlight=False
        )
    calendar = operator_calendar()
    results: list[dict[str, Any]] = []
    malformed = False
    for file in files:
        try:
            results.append(_run_file(file, calendar))
        except ScenarioMalformed as bad:
            malformed = True
            err_console.print(f"[red]场景文件格式错误[/red] {escape(str(bad))}", highlight=False)
            if path.is_dir():
                results.append({"scenario": str(file), "ok": False, "malformed": str(bad)})
        except Exception as crash:  # a fault of ours: say so, and let the other files of a folder run
            if not path.is_dir():
                raise
            err_console.print_exception()
            results.append(
                {"scenario": str(file), "ok": False, "crashed": f"{type(crash).__name__}: {crash}"}
            )
    if as_json:
        payload: Any = results if path.is_dir() else (results[0] if results else None)
        if payload is not None:
            print(json.dumps(payload, ensure_ascii=False, indent=2))
    elif results:
        _print_summary(results)
    if malformed:
        raise typer.Exit(2)
    if any(not r["ok"] for r in results):
        raise typer.Exit(1)


def _print_summary(results: list[dict[str, Any]]) -> None:
    table = Table(title="场景运行结果")
    for column in ("场景", "预期", "案件", "状态", "金额（元）", "超期"):
        table.add_column(column)
    for result in results:
        for label, case in result.get("cases", {}).items():
            amount = case.get("amount_fen")
            table.add_row(
                str(result["scenario"]), "✓" if result["ok"] else "✗", label, str(case["status"]),
                f"{amount / 100:,.2f}" if isinstance(amount, int) else "-", str(len(case.get("sla_breaches", []))),
            )  # fmt: skip
        for mismatch in result.get("mismatches", []):
            table.add_row(str(result["scenario"]), "✗", "", f"预期不符：{mismatch}", "", "")
    console.print(table)
    # a refused step is an outcome, not a failure: said here, so nobody has to open the JSON for it
    for result in results:
        refused = [(step["index"], e) for step in result.get("steps", []) if not step.get("ok", True)
                   for e in step.get("errors", [])]  # fmt: skip
        if refused:
            console.print(f"{escape(str(result['scenario']))}：被拒的步骤", highlight=False)
        for index, error in refused:
            field = f"（{error['field']}）" if error.get("field") else ""
            console.print(f"  steps[{index}] {error['code']}{escape(field)}：{escape(str(error['message']))}",
                          highlight=False)  # fmt: skip


@app.command()
def demo(
    database: Annotated[Path, typer.Option(help="内置数据库文件（重新创建）")] = Path("var/subsidyflow.db"),
) -> None:
    """演示：重新创建内置数据库，写入演示数据，把一个案件办到拨付，并列出其余案件的待办。"""
    from cli.demo import print_timeline, print_waiting, run_demo

    console.print(f"[bold]subsidyflow 演示[/bold]：重新创建 {database}（旧的演示数据不保留）")
    run = run_demo(database, operator_calendar(), operator_policy(), console)
    main_id = run.cases.get("main")
    if main_id is not None:
        print_timeline(run.rt, main_id, console)
    print_waiting(run.rt, console)
    console.print(f"数据库：{database}；再次运行 `subsidyflow demo` 会从头重建。")
    console.print(
        "网页：运行 `subsidyflow serve` 后打开 http://127.0.0.1:8000/ ，演示用户的密码均为 demo1234"
    )


app.command()(replay)
app.command()(deploy)
app.command("migrate")(migrate_command)
app.command()(documents)
app.command()(serve)
app.command()(simulate)


if __name__ == "__main__":  # pragma: no cover
    app()
