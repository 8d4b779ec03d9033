"""`subsidyflow replay`: auditors rebuild cases from their logs and check every step, chain and row."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlmodel import Session, col, select

from cases.replay import ReplayReport, replay_case
from store.tables import CaseRow

_KINDS = {
    "missing": "事件缺失",
    "edited": "事件被改动",
    "reordered": "事件顺序被调换",
    "head": "链头或事件数不符",
    "snapshot": "快照被改动",
    "row": "案件记录被改动",
    "deployment": "部署文件不符",
    "replay": "重放不一致",
}


def verdict(report: ReplayReport) -> str:
    """One line for a case: 一致, or every finding with its kind."""
    if report.ok:
        return "[green]一致[/green]"
    return (
        "[red]" + "；".join(f"{_KINDS.get(f.kind, f.kind)}：{f.detail}" for f in report.findings) + "[/red]"
    )


def replay(
    case: Annotated[int | None, typer.Option(help="one case id; default: every case")] = None,
) -> None:
    """Auditors: rebuild cases from their event logs and check every step's state, the chain and the row."""
    from cases.wiring import Settings

    console = Console(width=max(120, Console().width))
    engine = Settings.from_env().database()
    failed = 0
    table = Table(title="案件历史复核（replay）")
    for column in ("case", "events", "result"):
        table.add_column(column)
    with Session(engine) as session:
        ids = (
            [case]
            if case is not None
            else [i for i in session.exec(select(CaseRow.id).order_by(col(CaseRow.id))) if i]
        )
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("复核案件", total=len(ids))
            for case_id in ids:
                report = replay_case(session, case_id)
                failed += not report.ok
                table.add_row(str(case_id), str(report.events), verdict(report))
                progress.advance(task)
    console.print(table)
    console.print(f"共 {len(ids)} 个案件，{len(ids) - failed} 个一致，{failed} 个有问题")
    engine.dispose()
    if failed:
        raise typer.Exit(1)
