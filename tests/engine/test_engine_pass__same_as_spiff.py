"""Our engine pass decides exactly as SpiffWorkflow's own ``_do_engine_steps`` (bpmn/engine/engine_pass.py).

The pass finds READY tasks with its own walk; the order of that list decides which task runs first
and so a case's data. Checked two ways on a busy generated year (returns, cancellations, objections,
fraud, late reviews) and the contract's examples: every READY list equals Spiff's iterator's, and
whole cases played with Spiff's own pass end with equal result objects (the chain head's hash, so
every snapshot digest, included).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from bpmn.engine import case_run, engine_pass
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import play_stream
from domain.calendar import BusinessCalendar
from workflows.year_generator import Rates, Stream, YearSpec, generate_year

BUSY = Rates(returned=0.4, cancelled=0.15, objection=0.3, objection_upheld=0.4, fraud=0.08, late_review=0.6,
             low_satisfaction=0.15, low_attendance=0.3, enterprise=0.2, individual=0.15)  # fmt: skip
TESTS = Path(__file__).resolve().parents[1]
# the contract's examples and our own scenarios (fraud, gateway errors, SLA breaches, rosters, calendars)
EXAMPLES = sorted((TESTS.parents[1] / "shared" / "scenarios" / "examples").rglob("*.yaml"))
OURS = sorted((TESTS / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def streams() -> list[Stream]:
    return generate_year(
        YearSpec(cases=12, per_institution=4, seed=11, rates=BUSY), BusinessCalendar(), shipped_policy()
    )


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Every READY list the pass computes, checked against Spiff's iterator on the same tree."""
    ours = engine_pass.ready_tasks
    seen = {"lists": 0, "tasks": 0, "in_subprocesses": 0}

    def checked(workflow: BpmnWorkflow) -> list[Task]:
        mine = ours(workflow)
        theirs = list(workflow.get_tasks(state=TaskState.READY))
        assert [t.id for t in mine] == [t.id for t in theirs]
        seen["lists"] += 1
        seen["tasks"] += len(mine)
        seen["in_subprocesses"] += sum(t.workflow is not t.workflow.top_workflow for t in mine)
        return mine

    monkeypatch.setattr(engine_pass, "ready_tasks", checked)
    yield seen


def _play_example(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    run = ScenarioRun(parse_scenario(text, path.name), text, BusinessCalendar())
    try:
        return run.run()
    finally:
        run.close()


def test_every_ready_list_of_a_busy_year_is_spiffs(streams: list[Stream], compared: dict[str, int]) -> None:
    for stream in streams:
        play_stream(stream, shipped_policy(), BusinessCalendar())
    assert compared["lists"] > 500
    assert compared["in_subprocesses"] > 50  # the walk went into subprocess trees, where order is subtle
    assert compared["tasks"] > compared["in_subprocesses"]


def test_every_ready_list_of_the_scenarios_is_spiffs(compared: dict[str, int]) -> None:
    assert len(OURS) >= 50
    for path in EXAMPLES + OURS:
        _play_example(path)
    assert compared["lists"] > 1000


def test_whole_cases_end_as_with_spiffs_own_pass(
    streams: list[Stream], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = [
        play_stream(s, shipped_policy(), BusinessCalendar(), keep_results=True).results for s in streams[:2]
    ]

    def spiffs(workflow: BpmnWorkflow, callback: Any) -> bool:
        return bool(workflow._do_engine_steps(did_complete_task=callback))

    monkeypatch.setattr(case_run, "engine_pass", spiffs)
    theirs = [
        play_stream(s, shipped_policy(), BusinessCalendar(), keep_results=True).results for s in streams[:2]
    ]
    assert ours == theirs
    assert all(r for r in ours)


def test_a_tree_spiffs_iterator_would_cut_short_is_handed_to_spiff(
    streams: list[Stream], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[BpmnWorkflow] = []
    original = BpmnWorkflow.get_tasks

    def recording(self: BpmnWorkflow, *args: Any, **kwargs: Any) -> list[Task]:
        if kwargs.get("state") == TaskState.READY:
            asked.append(self)
        return list(original(self, *args, **kwargs))

    monkeypatch.setattr(BpmnWorkflow, "get_tasks", recording)
    ours = play_stream(streams[0], shipped_policy(), BusinessCalendar(), keep_results=True).results
    below = len(asked)  # Spiff itself asks now and then (starting a subprocess); the passes do not
    monkeypatch.setattr(engine_pass, "_MAX_DEPTH", 10)
    handed = play_stream(streams[0], shipped_policy(), BusinessCalendar(), keep_results=True).results
    assert len(asked) > below + 100  # trees of 10 tasks or more: Spiff's iterator answers every pass
    assert handed == ours
