"""A case as it stood at an instant: status and figures sealed then, open tasks from the re-run engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col
from typer.testing import CliRunner

from cases.replay import as_of
from cli.main import app
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import SHANGHAI, BusinessCalendar
from store.tables import CaseEvent

HAPPY = Path(__file__).parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


@pytest.fixture(scope="module")
def paid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ScenarioRun, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('asof') / 'cases.db'}"
    text, scenario = read_scenario(HAPPY)
    run = ScenarioRun(scenario, text, BusinessCalendar(), url)
    assert run.run()["ok"]
    yield run, url
    run.close()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_at_its_notice_start_a_paid_case_is_in_notice(paid: tuple[ScenarioRun, str]) -> None:
    run, _ = paid
    with Session(run.rt.db) as session:
        then = as_of(session, 1, _at("2026-04-30T00:00"))
        assert then.ok, then.findings
        assert then.status == "notice"
        assert then.figures["amount_fen"] == 4440000 and then.figures["notice_start"] == "2026-04-30"
        assert then.events == 13 and then.last_event == "task_completed"
        assert then.open_tasks == ()  # the notice runs on a timer: nobody has work on the case
        during = as_of(session, 1, _at("2026-03-20T12:00"))
        assert during.status == "training" and "amount_fen" not in during.figures
        assert [t.spec_id for t in during.open_tasks] == ["spot_check"]
        assert during.open_tasks[0].role == "inspector"
        before = as_of(session, 1, _at("2026-03-01T00:00"))
        assert before.status is None and before.events == 0
        now = as_of(session, 1, _at("2026-12-01T00:00"))
        assert now.status == "paid" and now.events == 17


def test_as_of_names_an_edited_history_instead_of_showing_it(paid: tuple[ScenarioRun, str]) -> None:
    run, url = paid
    runner = CliRunner()
    env = {"SUBSIDYFLOW_DATABASE_URL": url}
    shown = runner.invoke(app, ["replay", "1", "--as-of", "2026-04-30", "--verify"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "│ notice" in shown.output and "44,400.00" in shown.output and "一致" in shown.output
    with Session(run.rt.db) as session:
        session.execute(
            update(CaseEvent)
            .where(col(CaseEvent.case_id) == 1, col(CaseEvent.seq) == 4)
            .values(actor="mallory")
        )
        session.commit()
        edited = as_of(session, 1, _at("2026-04-30T00:00"))
        assert [(f.kind, f.seq) for f in edited.findings] == [("edited", 4)]
        assert edited.open_tasks == ()  # a broken history is never re-run
    tampered = runner.invoke(app, ["replay", "--all", "--as-of", "2026-04-30T00:00"], env=env)
    assert tampered.exit_code == 1
    assert "事件被改动：第 4" in tampered.output and "共 1 个案件，0 个一致，1 个有问题" in tampered.output
    bad = runner.invoke(app, ["replay", "--as-of", "四月"], env=env)
    assert bad.exit_code == 2 and "无法识别的时间" in bad.output
    missing = runner.invoke(app, ["replay", "999"], env=env)
    assert missing.exit_code == 2 and "没有案件 999" in missing.output and "有问题" not in missing.output
