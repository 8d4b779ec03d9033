"""`subsidyflow demo` builds the embedded database afresh, plays a case to payment and leaves work waiting."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from cli.main import app
from domain.vocab import Role
from store.db import make_engine
from store.tables import CaseRow, HumanTask, UserRow


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
        roles = {r for user in session.exec(select(UserRow)) for r in user.roles}
        assert roles == {r.value for r in Role} - {"public", "admin"}
    engine.dispose()


def test_replay_checks_every_demo_case_and_catches_tampering(tmp_path: Path, monkeypatch: object) -> None:
    import pytest
    from sqlalchemy import text, update

    from store.tables import CaseEvent

    db = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--database", str(db)]).exit_code == 0
    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", f"sqlite:///{db}")
    clean = runner.invoke(app, ["replay"])
    assert clean.exit_code == 0, clean.output
    assert clean.output.count("│ 一致") == 14
    assert "共 14 个案件，14 个一致，0 个有问题" in clean.output
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        # the database refuses it (migration 0007): someone with the owner's rights drops the guard first
        session.execute(text("DROP TRIGGER case_event_no_update"))
        session.execute(
            update(CaseEvent)
            .where(col(CaseEvent.case_id) == 1, col(CaseEvent.seq) == 3)
            .values(actor="mallory")
        )
        session.commit()
    engine.dispose()
    tampered = runner.invoke(app, ["replay", "--case", "1"])
    assert tampered.exit_code == 1
    assert "事件被改动" in tampered.output and "第 3 个事件" in tampered.output
