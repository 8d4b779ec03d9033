"""`subsidyflow deploy`: a candidate is checked (models, lint, scenarios) and stored as the next version.

Running cases stay on the version they were filed on and still replay; a new application is judged
by the version in force on its filing day, and a day no version covers is refused (policy_missing).
"""

from __future__ import annotations

import shutil
from copy import copy
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bpmn.clock import VirtualClock
from cases.deploy import CandidateUnreadable, check_candidate, read_candidate, store_candidate
from cases.replay import replay_case
from cli.deploy import play_scenario
from cli.main import app
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from domain.errors import ErrorCode, Refused
from store import deployments
from store.tables import CaseRow

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "tests" / "scenarios" / "23_sla_all_on_time.yaml"  # 焊工 初级工, paid, no policy overrides
DMN = "decisions/subsidy_standard.dmn"
AT = datetime(2026, 1, 5, tzinfo=UTC)


def make_candidate(directory: Path, *, occupation_row: str | None = None) -> Path:
    """A candidate directory holding the shipped models and policy, with an occupation row on top if given."""
    shutil.copytree(ROOT / "bpmn" / "processes", directory / "processes")
    (directory / "decisions").mkdir(parents=True)
    dmn = (ROOT / "bpmn" / DMN).read_text(encoding="utf-8")
    if occupation_row is not None:  # dmn-js style: FEEL list and FEEL string, above the level-wide defaults
        row = (
            '<rule id="welders"><inputEntry id="welders_level"><text>"初级工","中级工"</text></inputEntry>'
            f'<inputEntry id="welders_occupation"><text>"{occupation_row}"</text></inputEntry>'
            '<outputEntry id="welders_yuan"><text>999</text></outputEntry></rule>\n      <rule id="subsidy_standard_rule_1">'
        )
        dmn = dmn.replace('<rule id="subsidy_standard_rule_1">', row, 1)
    (directory / DMN).write_text(dmn, encoding="utf-8")
    shutil.copy(ROOT / "domain" / "policy_default.yaml", directory / "policy.yaml")
    return directory


def test_a_welders_row_changes_the_claim_and_the_suite_refuses_it_naming_the_scenario(tmp_path: Path) -> None:
    candidate = read_candidate(make_candidate(tmp_path / "c", occupation_row="焊工"))
    report = check_candidate(candidate, [SCENARIO], play_scenario)
    assert not report.ok
    (problem,) = report.problems
    assert (
        problem.where == f"场景 {SCENARIO.name}" and "amount_fen" in problem.what
    )  # 999 元 reached the claim


def test_a_good_candidate_becomes_version_2_while_running_cases_stay_on_1(tmp_path: Path) -> None:
    text, scenario = read_scenario(SCENARIO)
    run = ScenarioRun(scenario, text, BusinessCalendar())
    try:
        first = read_candidate(make_candidate(tmp_path / "v1"))
        with run.rt.session() as session:
            v1 = store_candidate(session, first, by="张三", reason="首版", at=AT)
            session.commit()
        assert (v1.version, v1.effective_from, v1.effective_until) == (1, date(2021, 5, 8), None)
        assert run.run()["ok"]  # filed on version 1 (the shipped files), judged by it to payment
        second = read_candidate(make_candidate(tmp_path / "v2", occupation_row="电工"), date(2026, 7, 1))
        report = check_candidate(second, [SCENARIO], play_scenario)
        assert report.ok, report.problems
        with run.rt.session() as session:
            v2 = store_candidate(session, second, by="李四", reason="电工单列标准", at=AT)
            session.commit()
            assert (v2.version, v2.deployed_by, v2.effective_from) == (2, "李四", date(2026, 7, 1))
            (case,) = session.exec(select(CaseRow)).all()
            assert case.deployment_id == v1.id
            assert deployments.in_force(session, date(2026, 6, 30)) == v1
            assert deployments.in_force(session, date(2026, 7, 1)) == v2
            later = copy(run.rt)
            later.clock = VirtualClock(datetime(2026, 7, 2, 2, tzinfo=UTC))
            assert later.for_filing(session).deployment.id == v2.id
            before = copy(run.rt)
            before.clock = VirtualClock(datetime(2020, 1, 2, 2, tzinfo=UTC))
            with pytest.raises(Refused) as missing:
                before.for_filing(session)
            assert missing.value.first.code is ErrorCode.POLICY_MISSING
            assert "2020-01-02" in missing.value.first.message
            assert replay_case(session, case.id or 0).ok  # replay uses the pinned version 1
            with pytest.raises(ValueError, match="第 2 版"):
                store_candidate(session, second, by="李四", reason="again", at=AT)
    finally:
        run.close()


def test_unreadable_candidates_are_refused_naming_the_file(tmp_path: Path) -> None:
    directory = make_candidate(tmp_path / "c")
    (directory / "policy.yaml").unlink()
    with pytest.raises(CandidateUnreadable, match="policy.yaml"):
        read_candidate(directory)
    directory = make_candidate(tmp_path / "d")
    body = (directory / DMN).read_text(encoding="utf-8")
    bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + body.split("?>", 1)[1]
    (directory / DMN).write_text(bomb, encoding="utf-8")
    with pytest.raises(CandidateUnreadable, match="DOCTYPE"):
        read_candidate(directory)


def test_the_command_refuses_a_bad_cell_naming_it_and_dry_runs_a_good_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cli.deploy.scenario_files", lambda _candidate: [SCENARIO])
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    bad = make_candidate(tmp_path / "bad")
    (bad / DMN).write_text(
        (bad / DMN).read_text(encoding="utf-8").replace('"技师"', "'技师'", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["deploy", str(bad), "--dry-run"])
    assert result.exit_code == 1 and "subsidy_standard_rule_4_level" in result.output
    good = make_candidate(tmp_path / "good")
    result = CliRunner().invoke(app, ["deploy", str(good), "--dry-run", "--by", "王五"])
    assert result.exit_code == 0, result.output
    assert "1/1" in result.output and "未部署" in result.output
