"""`subsidyflow deploy DIR`: check a process owner's files and store them as the next version."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import Session

from bpmn.clock import SystemClock
from cases.deploy import (
    Candidate,
    CandidateUnreadable,
    DeployReport,
    check_candidate,
    read_candidate,
    scenario_files,
    store_candidate,
)
from cases.wiring import OperatorFileError, Settings
from cli.scenario_file import read_scenario

console = Console(width=max(120, Console().width))


def play_scenario(candidate: Candidate, path: Path) -> str | None:
    """Play one scenario file on the candidate's models, forms, policy and calendar: None when it passes."""
    from cli.scenario_run import ScenarioRun

    text, scenario = read_scenario(path)
    run = ScenarioRun(scenario, text, candidate.calendar, policy=candidate.policy, candidate=candidate.files)
    try:
        result = run.run()
    finally:
        run.close()
    if result["ok"]:
        return None
    mismatches = [str(m) for m in result.get("mismatches", [])]
    return "；".join(mismatches[:3]) or "结果与场景的期望不符"


def print_report(report: DeployReport) -> None:
    """The problems that refuse the candidate, one row each, naming where."""
    table = Table(title="部署检查未通过", show_lines=False)
    table.add_column("位置", style="bold")
    table.add_column("问题")
    for problem in report.problems:
        table.add_row(escape(problem.where), escape(problem.what))
    console.print(table)


def deploy(
    directory: Annotated[
        Path,
        typer.Argument(
            help="目录：processes/*.bpmn、decisions/*.dmn、forms/*.json、policy.yaml、calendar.yaml"
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告，不部署")] = False,
    by: Annotated[str, typer.Option("--by", help="部署人")] = "process_owner",
    reason: Annotated[str, typer.Option("--reason", help="部署原因")] = "",
    effective_from: Annotated[
        str | None, typer.Option("--effective-from", help="新申请自该日（YYYY-MM-DD）起按此版本办理")
    ] = None,
) -> None:
    """检查候选部署（模型检查、封闭表达式语言、场景套件），通过后存为下一个版本。"""
    starts: date | None = None
    if effective_from is not None:
        try:
            starts = date.fromisoformat(effective_from.strip())
        except ValueError:
            console.print(f"[red]--effective-from {escape(effective_from)} 不是日期（应为 YYYY-MM-DD）[/red]")
            raise typer.Exit(2) from None
    try:
        candidate = read_candidate(directory, starts)
    except CandidateUnreadable as bad:
        console.print(f"[red]无法读取部署目录[/red] {escape(str(bad))}", highlight=False)
        raise typer.Exit(2) from None
    suite = scenario_files(candidate)
    console.print(f"候选部署 {candidate.id[:12]}…：{len(candidate.files)} 个文件，{len(suite)} 个场景")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("运行场景", total=len(suite))
        report = check_candidate(
            candidate,
            suite,
            play_scenario,
            progress=lambda path: progress.update(bar, advance=1, description=path.name),
        )
    if not report.ok:
        print_report(report)
        console.print("[red]部署被拒绝[/red]：请按上表修改后重试；正在办理的案件不受影响。")
        raise typer.Exit(1)
    passed = sum(1 for _, failed in report.scenarios if failed is None)
    console.print(f"[green]检查通过[/green]：模型、表达式、规范检查均无问题，{passed} 个场景全部通过。")
    if dry_run:
        console.print("--dry-run：未部署。")
        return
    try:
        settings = Settings.from_env()
        engine = settings.database()
    except OperatorFileError as bad:
        console.print(f"[red]设置有误[/red] {escape(str(bad))}")
        raise typer.Exit(2) from None
    with Session(engine) as session:
        try:
            stored = store_candidate(session, candidate, by=by, reason=reason, at=SystemClock().now())
        except ValueError as refused:
            console.print(f"[red]{escape(str(refused))}[/red]")
            raise typer.Exit(1) from None
        session.commit()
    until = stored.effective_until.isoformat() if stored.effective_until else "长期"
    since = stored.effective_from.isoformat() if stored.effective_from else "-"
    console.print(
        f"[green]已部署为第 {stored.version} 版[/green]（{stored.id[:12]}…，{escape(stored.deployed_by)}，"
        f"生效期 {since} 至 {until}）：此后提交的申请按此版本办理，正在办理的案件仍按原版本。"
    )
