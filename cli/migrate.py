"""`subsidyflow migrate --from V --to W [--dry-run]`: move running cases between deployed versions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cases.migrate import Verdict, VersionUnknown, migrate, plan
from cases.runtime import Runtime
from cases.wiring import OperatorFileError, Settings, runtime

console = Console(width=max(120, Console().width))


def print_plan(verdicts: list[Verdict], source: int, target: int) -> None:
    """The report: case, what it is in, verdict, reason."""
    table = Table(title=f"迁移检查：第 {source} 版 → 第 {target} 版（{len(verdicts)} 个办理中的案件）")
    for column in ("案件", "当前所在元素", "结论", "原因 / 提示"):
        table.add_column(column)
    for verdict in verdicts:
        table.add_row(
            f"{verdict.case_id} {escape(verdict.label)}",
            escape("、".join(verdict.elements)),
            "[green]可迁移[/green]" if verdict.movable else "[red]不能迁移[/red]",
            escape(verdict.reason),
        )
    console.print(table)


def _runtime() -> Runtime:
    try:
        return runtime(Settings.from_env())
    except OperatorFileError as bad:
        console.print(f"[red]设置有误[/red] {escape(str(bad))}")
        raise typer.Exit(2) from None


def migrate_command(
    source: Annotated[int, typer.Option("--from", help="源版本号")],
    target: Annotated[int, typer.Option("--to", help="目标版本号")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只报告，不迁移")] = False,
    by: Annotated[str, typer.Option("--by", help="操作人")] = "process_owner",
    reason: Annotated[str, typer.Option("--reason", help="迁移原因")] = "",
) -> None:
    """报告版本 V 上运行中的案件能否迁移到 W 及原因；然后逐案（各一个事务）迁移。"""
    rt = _runtime()
    try:
        verdicts = plan(rt, source, target)
    except VersionUnknown as unknown:
        console.print(f"[red]{escape(str(unknown))}[/red]")
        raise typer.Exit(2) from None
    print_plan(verdicts, source, target)
    movable = sum(1 for v in verdicts if v.movable)
    console.print(f"可迁移 {movable} 个，不能迁移 {len(verdicts) - movable} 个。")
    if dry_run or not movable:
        console.print("--dry-run：未迁移。" if dry_run else "没有可迁移的案件。")
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("迁移案件", total=len(verdicts))
        result = migrate(
            rt, source, target, by=by, reason=reason, progress=lambda _v: progress.update(bar, advance=1)
        )
    console.print(
        f"[green]已迁移 {len(result.moved)} 个案件[/green]到第 {target} 版（每个案件记有 migrated 事件）；"
        f"不能迁移 {len(result.refused)} 个，因并发修改未迁移 {len(result.conflicts)} 个（可重新运行）。"
    )
    if result.conflicts:
        raise typer.Exit(1)
