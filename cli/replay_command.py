"""`subsidyflow replay`: auditors rebuild cases from their logs and check every step, chain and row.

``replay CASE`` or ``replay --all`` (the default) verifies; ``--as-of TIME`` shows each case as it stood
then (status, open tasks, figures), re-run from its pinned deployment up to that instant.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from sqlmodel import Session, col, select

from cases.replay import CaseAsOf, ReplayReport, as_of, replay_case
from domain.calendar import SHANGHAI
from forms.task_definitions import CASE_STATUSES
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
_FIGURES = (
    ("opening_count", "开班人数"),
    ("certified", "取证人数"),
    ("eligible", "补贴人数"),
    ("amount_fen", "补贴金额（元）"),
    ("notice_start", "公示开始"),
    ("notice_end", "公示结束"),
    ("outcome", "结果"),
)


def verdict(report: ReplayReport | CaseAsOf) -> str:
    """One line for a case: 一致, or every finding with its kind."""
    if report.ok:
        return "[green]一致[/green]"
    return (
        "[red]"
        + "；".join(f"{_KINDS.get(f.kind, f.kind)}：{escape(f.detail)}" for f in report.findings)
        + "[/red]"
    )


def parse_instant(text: str) -> datetime:
    """A time given on the command line: ISO date (its start, Beijing time) or date-time (naive: Beijing)."""
    text = text.strip()
    try:
        if len(text) == len("2026-04-30"):
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=SHANGHAI)
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"无法识别的时间 {text!r}：请写成 2026-04-30 或 2026-04-30T09:00（北京时间）",
            param_hint="--as-of",
        ) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=SHANGHAI)


def _figures(figures: Any) -> str:
    shown = []
    for key, label in _FIGURES:
        value = figures.get(key)
        if value is None:
            continue
        if key == "amount_fen" and isinstance(value, int):
            value = f"{value / 100:,.2f}"
        shown.append(f"{label} {value}")
    return "\n".join(shown) or "-"


def _as_of_row(found: CaseAsOf) -> tuple[str, ...]:
    tasks = "、".join(f"{t.title or t.spec_id}（{t.role or '-'}）" for t in found.open_tasks) or "-"
    status = (
        f"{found.status}（{CASE_STATUSES.get(found.status, found.status)}）"
        if found.status is not None
        else "（尚未申请）"
    )
    at = found.last_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if found.last_at else "-"
    return (
        str(found.case_id),
        status,
        escape(tasks),
        escape(_figures(found.figures)),
        f"{found.events}（{at}）",
    )


def replay(
    case_id: Annotated[int | None, typer.Argument(metavar="CASE", help="案件编号")] = None,
    case: Annotated[int | None, typer.Option("--case", help="案件编号（同 CASE）")] = None,
    every: Annotated[bool, typer.Option("--all", help="全部案件（默认）")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="与 --as-of 同用：另外重放全部历史并核对")] = False,
    as_of_text: Annotated[
        str | None, typer.Option("--as-of", metavar="TIME", help="显示各案件在该时刻的状态")
    ] = None,
) -> None:
    """审计：按事件日志重建案件，核对每一步的状态摘要、哈希链和案件记录。"""
    from cases.wiring import Settings

    one = case_id if case_id is not None else case
    if one is not None and every:
        raise typer.BadParameter("请给出一个案件编号，或用 --all 复核全部案件，二者不能同时使用")
    instant = parse_instant(as_of_text) if as_of_text is not None else None
    console = Console(width=max(120, Console().width))
    engine = Settings.from_env().database()
    failed = 0
    with Session(engine) as session:
        if one is not None and session.get(CaseRow, one) is None:  # asked for a case that is not there
            Console(stderr=True).print(
                f"[red]没有案件 {one}[/red]：请用 `subsidyflow replay --all` 查看已有的案件"
            )
            engine.dispose()
            raise typer.Exit(2)
        ids = (
            [one]
            if one is not None
            else [i for i in session.exec(select(CaseRow.id).order_by(col(CaseRow.id))) if i]
        )
        if instant is None:
            table = Table(title="案件历史复核（replay）")
            columns: tuple[str, ...] = ("案件", "事件数", "结果")
        else:
            stamp = instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            table = Table(title=f"案件在 {stamp}（北京时间）时的状态")
            columns = ("案件", "状态", "待办任务", "数据", "事件数", "结果")
        for column in columns:
            table.add_column(column, overflow="fold")
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("复核案件", total=len(ids))
            for one_id in ids:
                if instant is None:
                    report = replay_case(session, one_id)
                    failed += not report.ok
                    table.add_row(str(one_id), str(report.events), verdict(report))
                else:
                    found = as_of(session, one_id, instant)
                    result = verdict(found)
                    bad = not found.ok
                    if verify:
                        full = replay_case(session, one_id)
                        bad = bad or not full.ok
                        result = verdict(full) if found.ok else result
                    failed += bad
                    table.add_row(*_as_of_row(found), result)
                progress.advance(task)
    console.print(table)
    console.print(f"共 {len(ids)} 个案件，{len(ids) - failed} 个一致，{failed} 个有问题")
    engine.dispose()
    if failed:
        raise typer.Exit(1)
