"""`subsidyflow records import FILE`: earlier trainings from the provincial system (002 / 004)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.table_import import OUT, import_table
from domain.calendar import SHANGHAI

records_app = typer.Typer(
    help="往年补贴性培训记录（省级系统导出）：每人每年只能享受1次（002）、学员年度内不得重复培训（004）。",
    no_args_is_help=True,
)


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
    from store.training_records import import_training_records

    today = datetime.now(SHANGHAI).date()
    result = import_table(
        file,
        lambda session, path, progress: import_training_records(
            session, path, today=today, source=source, progress=progress
        ),
        refused="培训记录文件有误，未写入任何记录：",
        redo="请改正后重新导入整个文件（已导入的记录不会重复写入）。",
    )
    OUT.print(
        f"读取 {result.rows} 行：新增 {result.added} 条培训记录，"
        f"{result.skipped} 条已存在（同一身份证号、年度、职业(工种)）未重复写入。"
    )
