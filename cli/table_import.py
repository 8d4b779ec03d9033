"""Importing a bureau's table file (.xlsx / .csv) all or nothing: the shared steps of `records import`
and `plan load` — the file checked, the database brought to the latest schema, progress shown, one
commit when every row is good, every problem printed by row and column otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import Session

from forms.roster_file import RosterRowError

OUT = Console(width=120, soft_wrap=True)
ERR = Console(stderr=True, soft_wrap=True)
_SHOWN_ERRORS = 200  # a file with more problems lists the first ones and how many more


class ImportResult(Protocol):
    """What a loader answers: whether every row was good, and the problems when not."""

    @property
    def ok(self) -> bool: ...
    @property
    def errors(self) -> tuple[RosterRowError, ...]: ...


R = TypeVar("R", bound=ImportResult)
Report = Callable[[int, int | None], None]


def import_table(file: Path, load: Callable[[Session, Path, Report], R], *, refused: str, redo: str) -> R:
    """Run ``load`` on ``file`` in one transaction; exit 2 on a missing or unsupported file, 1 on bad rows."""
    from cases.wiring import Settings
    from store.migrate import upgrade

    if not file.is_file():
        ERR.print(f"[red]没有这个文件：{file}[/red]")
        raise typer.Exit(2)
    if file.suffix.lower() not in {".xlsx", ".csv"}:
        ERR.print(f"[red]只支持 .xlsx 或 .csv 文件，收到的是 {file.name}[/red]")
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
        with Progress(*columns, console=ERR, transient=True) as bar, Session(engine) as session:
            task = bar.add_task(file.name, total=None)
            result = load(session, file, lambda done, total: bar.update(task, completed=done, total=total))
            if result.ok:
                session.commit()
    finally:
        engine.dispose()
    if not result.ok:
        print_errors(result.errors, refused=refused, redo=redo)
        raise typer.Exit(1)
    return result


def print_errors(errors: tuple[RosterRowError, ...], *, refused: str, redo: str) -> None:
    """Each problem on its own line (its message names the row and the column), never wrapped."""
    OUT.print(f"[red]{refused}[/red]")
    for error in errors[:_SHOWN_ERRORS]:
        OUT.print(error.message, markup=False, highlight=False)
    more = len(errors) - _SHOWN_ERRORS
    if more > 0:
        OUT.print(f"另有 {more} 处问题未列出。")
    OUT.print(f"共 {len(errors)} 处问题：{redo}")
