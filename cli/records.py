"""`subsidyflow records import FILE`: earlier trainings from the provincial system (002 / 004)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from domain.calendar import SHANGHAI
from forms.roster_file import RosterRowError

records_app = typer.Typer(
    help="往年补贴性培训记录（省级系统导出）：每人每年只能享受1次（002）、学员年度内不得重复培训（004）。",
    no_args_is_help=True,
)
_out = Console(width=120, soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)
_SHOWN_ERRORS = 200  # a file with more problems lists the first ones and how many more


@records_app.command("import")
def import_records(
    file: Annotated[Path, typer.Argument(help="省级系统导出的 .xlsx 或 .csv 文件")],
    source: Annotated[
        str | None, typer.Option(help="来源：文件中没有「来源」列或该格为空时记录的来源（默认：导入 文件名）")
    ] = None,
) -> None:
    """导入往年培训记录（姓名、身份证号、年度、职业(工种)，可选 等级、培训机构、来源）。

    有任何一行有误就一条也不写入，并按行、列列出全部问题；同一文件再次导入不会重复写入。
    数据库：SUBSIDYFLOW_DATABASE_URL，默认 var/subsidyflow.db（先升级到最新表结构）。
    """
    from sqlmodel import Session

    from cases.wiring import Settings
    from store.migrate import upgrade
    from store.training_records import import_training_records

    if not file.is_file():
        _err.print(f"[red]没有这个文件：{file}[/red]")
        raise typer.Exit(2)
    if file.suffix.lower() not in {".xlsx", ".csv"}:
        _err.print(f"[red]只支持 .xlsx 或 .csv 文件，收到的是 {file.name}[/red]")
        raise typer.Exit(2)
    engine = Settings.from_env().database()
    try:
        upgrade(engine)
        columns = (
            TextColumn("读取 {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=_err, transient=True) as bar, Session(engine) as session:
            task = bar.add_task(file.name, total=None)
            result = import_training_records(
                session,
                file,
                today=datetime.now(SHANGHAI).date(),
                source=source,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
            if result.ok:
                session.commit()
    finally:
        engine.dispose()
    if not result.ok:
        _print_errors(result.errors)
        raise typer.Exit(1)
    _out.print(
        f"读取 {result.rows} 行：新增 {result.added} 条培训记录，"
        f"{result.skipped} 条已存在（同一身份证号、年度、职业(工种)）未重复写入。"
    )


def _print_errors(errors: tuple[RosterRowError, ...]) -> None:
    """Each problem on its own line (its message names the row and the column), never wrapped."""
    _out.print("[red]培训记录文件有误，未写入任何记录：[/red]")
    for error in errors[:_SHOWN_ERRORS]:
        _out.print(error.message, markup=False, highlight=False)
    more = len(errors) - _SHOWN_ERRORS
    if more > 0:
        _out.print(f"另有 {more} 处问题未列出。")
    _out.print(f"共 {len(errors)} 处问题：请改正后重新导入整个文件（已导入的记录不会重复写入）。")
