"""Every DMN evaluation is an event of the case: table, version, inputs and output, hashed in the chain."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bpmn.deployment import model_files
from cases.replay import replay_case
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.tables import CaseEvent, CaseRow

HAPPY = Path(__file__).parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


@pytest.fixture(scope="module")
def paid() -> Iterator[ScenarioRun]:
    text, scenario = read_scenario(HAPPY)
    run = ScenarioRun(scenario, text, BusinessCalendar())
    assert run.run()["ok"]
    yield run
    run.close()


def test_the_subsidy_standard_lookup_is_recorded_with_its_table_version(paid: ScenarioRun) -> None:
    with Session(paid.rt.db) as session:
        case = session.exec(select(CaseRow)).one()
        events = session.exec(select(CaseEvent).order_by(col(CaseEvent.seq))).all()
        decided = [e for e in events if "decisions" in e.payload]
        assert [e.payload["task"] for e in decided] == ["subsidy_claim"]
        (decision,) = decided[0].payload["decisions"]
        dmn = model_files()["decisions/subsidy_standard.dmn"]
        assert decision == {
            "table": "subsidy_standard",
            "version": {
                "deployment": case.deployment_id,
                "file": "decisions/subsidy_standard.dmn",
                "sha256": hashlib.sha256(dmn).hexdigest(),
            },
            "inputs": {"level": "中级工"},
            "output": {"standard_yuan": 1200},
        }
        # the payload is part of the hash chain, and the engine does not read it: replay still holds
        assert replay_case(session, case.id or 0).ok
