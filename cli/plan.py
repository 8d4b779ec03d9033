"""`subsidyflow plan load FILE` and `subsidyflow plan progress`: the year's plan (004 attachment 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.table_import import OUT, import_table

plan_app = typer.Typer(
    help="年度培训计划（004 附件1 培训计划表、任务分配）：各培训机构（企业）的计划人数与完成进度。",
    no_args_is_help=True,
)


@plan_app.command("load")
def load_plan(file: Annotated[Path, typer.Argument(help="培训计划表 .xlsx 或 .csv 文件")]) -> None:
    """导入年度培训计划（列：年度、培训机构（或 企业）、项目类型（可不填）、计划人数）。

    有任何一行有误就一行也不写入，并按行、列列出全部问题。文件中每行是一条计划：同一年度、同一机构、
    同一项目类型已有计划的，以文件中的计划人数替换原有人数（不另加一行）；文件中没有的已有计划保持不变。
    因此同一文件再次导入不会改变任何数据。同一文件内同一年度、机构、项目类型出现两行的，视为有误。
    数据库：SUBSIDYFLOW_DATABASE_URL，默认 var/subsidyflow.db（先升级到最新表结构）。
    """
    from store.plan import load_plan_file

    result = import_table(
        file,
        lambda session, path, progress: load_plan_file(session, path, progress=progress),
        refused="培训计划表有误，未写入任何计划：",
        redo="请改正后重新导入整个文件。",
    )
    OUT.print(
        f"读取 {result.rows} 行计划：新增 {result.added} 条，调整计划人数 {result.changed} 条，"
        f"{result.unchanged} 条与已有计划相同未改变。"
    )


@plan_app.command("progress")
def plan_progress_command(
    year: Annotated[int, typer.Option("--year", help="计划年度，例如 2026")],
    institution: Annotated[
        str | None, typer.Option("--institution", help="只看这一个培训机构（企业）")
    ] = None,
) -> None:
    """按培训机构（企业）和项目类型列出计划完成进度：计划人数、已占用（未被驳回、取消、终止的班级的计划人数）、剩余。"""
    from sqlmodel import Session

    from cases.wiring import Settings
    from store.migrate import upgrade
    from store.plan import plan_progress

    engine = Settings.from_env().database()
    try:
        upgrade(engine)
        with Session(engine) as session:
            lines = plan_progress(session, year, institution)
    finally:
        engine.dispose()
    who = f"“{escape(institution)}”" if institution else ""
    if not lines:
        OUT.print(f"{year} 年{who}没有培训计划：请先用 `subsidyflow plan load 文件` 导入培训计划表。")
        return
    table = Table(title=f"{year} 年{who}培训计划完成进度")
    for column, justify in (("培训机构（企业）", "left"), ("项目类型", "left"), ("计划人数", "right"),
                            ("已占用", "right"), ("剩余", "right")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for line in lines:
        remaining = str(line.remaining) if line.remaining >= 0 else f"[red]{line.remaining}（超出）[/red]"
        table.add_row(
            escape(line.line.institution), escape(line.line.project_type or "（不分类型）"), str(line.line.quota),
            str(line.used), remaining,
        )  # fmt: skip
    OUT.print(table)
