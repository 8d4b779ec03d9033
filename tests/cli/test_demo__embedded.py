"""`subsidyflow demo` builds the embedded database afresh, plays a case to payment and leaves work waiting."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from cli.main import app
from store.db import make_engine
from store.tables import CaseRow, HumanTask


def test_demo_runs_twice_and_starts_afresh(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--database", str(db)])
    assert first.exit_code == 0, first.output
    assert "4.44 万元" in first.output
    again = runner.invoke(app, ["demo", "--database", str(db)])
    assert again.exit_code == 0, again.output
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        cases = session.exec(select(func.count()).select_from(CaseRow)).one()
        assert cases == 14  # afresh: not 28
        statuses = set(session.exec(select(CaseRow.status)))
        assert {"paid", "opening_review", "returned", "notice", "payment", "cancelled"} <= statuses
        open_tasks = session.exec(
            select(func.count()).select_from(HumanTask).where(col(HumanTask.status) == "open")
        ).one()
        assert open_tasks >= 12
    engine.dispose()
