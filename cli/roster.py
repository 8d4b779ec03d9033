"""`subsidyflow roster template --out FILE`: the 花名册 template to fill and upload (004 attachment 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from forms.roster_template import write_roster_template

roster_app = typer.Typer(
    help="花名册（004 附件2）：下载模板，按申请人类别填写后随开班申请上传。", no_args_is_help=True
)
_out = Console(width=120, soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


@roster_app.command("template")
def template(
    out: Annotated[Path, typer.Option("--out", help="写入的 .xlsx 文件，例如 花名册模板.xlsx")],
) -> None:
    """生成花名册 .xlsx 模板：表头（姓名、身份证号、联系电话、人员类别），第二张表按申请人类别说明填写要求。"""
    if out.suffix.lower() != ".xlsx":
        _err.print(f"[red]模板为 Excel 文件，请以 .xlsx 结尾，收到的是 {out.name}[/red]")
        raise typer.Exit(2)
    if not out.parent.is_dir():
        _err.print(f"[red]没有这个目录：{out.parent}，请先创建[/red]")
        raise typer.Exit(2)
    write_roster_template(out)
    _out.print(f"已生成花名册模板：{out}（填写说明见第二张表「填写说明」）")
