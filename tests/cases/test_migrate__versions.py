"""`subsidyflow migrate`: running cases move from version 1 to 2 unless an element they are in was renamed.

50 cases (bench/migrate.py makes 1,000 the same way): half wait for the claim, half in the claim's
first review, which version 2 renamed. The dry run names the ones that cannot move and why; the
rest move, each with a `migrated` event; every case still replays, and a moved case goes on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bench.migrate import populate
from cases.migrate import migrate, migrate_case, plan
from cases.replay import replay_case
from cli.main import app
from store import deployments, event_log
from store.db import create_schema, make_engine
from store.tables import CaseRow


def test_fifty_cases_the_dry_run_then_the_move_then_replay(tmp_path: Path) -> None:
    population = populate(50)
    rt = population.run.rt
    try:
        report = plan(rt, 1, 2)
        blocked = {v.case_id: v for v in report if not v.movable}
        assert set(blocked) == set(population.at_first_review) and len(report) == 50
        assert all("claim_first_review（流程 claim_review）" in v.reason for v in blocked.values())
        assert all("claim/subsidy_claim" in v.elements for v in report if v.movable)
        with rt.session() as session:
            v1, v2 = deployments.by_number(session, 1), deployments.by_number(session, 2)
            assert v1 is not None and v2 is not None
            assert {c.deployment_id for c in session.exec(select(CaseRow))} == {
                v1.id
            }  # a dry run changes nothing

        result = migrate(rt, 1, 2, by="张三", reason="改名前的案件迁到第 2 版")
        assert sorted(result.moved) == sorted(population.at_claim)
        assert {v.case_id for v in result.refused} == set(blocked) and not result.conflicts
        with rt.session() as session:
            for case_id in population.at_claim:
                case = session.get(CaseRow, case_id)
                assert case is not None and case.deployment_id == v2.id
                last = event_log.events(session, case_id)[-1]
                assert last.type == "migrated" and last.actor == "张三"
                assert {k: last.payload[k] for k in ("from_version", "to_version", "by", "reason")} == {
                    "from_version": 1,
                    "to_version": 2,
                    "by": "张三",
                    "reason": "改名前的案件迁到第 2 版",
                }
            for case_id in population.at_first_review:
                case = session.get(CaseRow, case_id)
                assert case is not None and case.deployment_id == v1.id
            for case_id in [*population.at_claim, *population.at_first_review]:
                assert replay_case(session, case_id).ok, case_id
        again = migrate_case(rt, population.at_claim[0], 1, 2, by="张三", reason="再次")
        assert not again.movable and "已不在源版本上" in again.reason

        # A moved case goes on under version 2: its claim reaches the renamed first review.
        run = population.run
        run.cases["main"] = population.at_claim[0]
        run.play_step(8, run.scenario.steps[8])
        with rt.session() as session:
            case = session.get(CaseRow, population.at_claim[0])
            assert case is not None
            ready = rt.load_run(session, case).view().ready
            assert [(t.key, t.spec_id) for t in ready] == [("claim_first_review", "claim_first_review__v2")]
            assert replay_case(session, population.at_claim[0]).ok
    finally:
        population.run.close()


def test_the_command_reports_unknown_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    create_schema(make_engine(url))
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["migrate", "--from", "1", "--to", "2", "--dry-run"])
    assert result.exit_code == 2 and "没有第 1 版部署" in result.output
