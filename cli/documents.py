"""`subsidyflow documents CASE|--all --out DIR`: a case's PDFs (申请表, 公示, 拨付凭证, 案件档案)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import Session, col, select

from store.tables import CaseRow


def documents(
    case: Annotated[int | None, typer.Argument(metavar="CASE", help="案件编号")] = None,
    every: Annotated[bool, typer.Option("--all", help="全部案件")] = False,
    out: Annotated[Path, typer.Option("--out", help="PDF 的输出目录")] = Path("documents-out"),
) -> None:
    """生成案件文书 PDF：申请表、公示、拨付凭证和案件档案（一个案件或全部案件）。"""
    from cases.wiring import Settings
    from documents.fonts import FontsMissing, check_fonts
    from documents.render import DOCUMENTS, available, pdf
    from documents.sources import load

    console = Console(width=max(120, Console().width))
    if (case is None) == (not every):
        console.print("[red]请给出一个案件编号，或用 --all 生成全部案件的文书（二者择一）[/red]")
        raise typer.Exit(2)
    try:
        fonts = check_fonts()
    except FontsMissing as missing:
        console.print(f"[red]无法生成文书：{escape(str(missing))}[/red]")
        raise typer.Exit(2) from None
    if not fonts.fallback:
        console.print("[yellow]未安装 Noto CJK：生僻字可能无法显示（请安装 fonts-noto-cjk）[/yellow]")
    out.mkdir(parents=True, exist_ok=True)
    engine = Settings.from_env().database()
    written = 0
    started = time.perf_counter()
    with Session(engine) as session:
        ids = (
            [case]
            if case is not None
            else [i for i in session.exec(select(CaseRow.id).order_by(col(CaseRow.id))) if i]
        )
        if case is not None and session.get(CaseRow, case) is None:
            console.print(f"[red]没有案件 {case}[/red]")
            raise typer.Exit(1)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("生成文书", total=len(ids))
            for case_id in ids:
                case_file = load(session, case_id)
                for kind in available(case_file):
                    progress.update(task, description=f"案件 {case_id}：{DOCUMENTS[kind][0]}")
                    (out / f"case-{case_id:05d}-{kind}.pdf").write_bytes(pdf(case_file, kind))
                    written += 1
                progress.advance(task)
    engine.dispose()
    seconds = time.perf_counter() - started
    console.print(
        f"已为 {len(ids)} 个案件生成 {written} 份文书到 {out}（字体 {fonts.used}，用时 {seconds:.1f} 秒）"
    )
