"""Our task converter writes Spiff's snapshot byte for byte (bpmn/engine/serializer.py).

Every snapshot a busy generated year and every scenario write is serialized a second time with
SpiffWorkflow's own ``TaskConverter`` and compared as text: the snapshot, its digest and so every
recorded history are unchanged by the faster converter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter

from bpmn.engine import CaseRun
from bpmn.engine import serializer as engine_serializer
from bpmn.engine.serializer import serializer_for
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import play_stream
from domain.calendar import BusinessCalendar
from workflows.year_generator import Rates, YearSpec, generate_year

TESTS = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((TESTS.parents[1] / "shared" / "scenarios").rglob("*.yaml")) + sorted(
    (TESTS / "scenarios").glob("*.yaml")
)
BUSY = Rates(returned=0.4, cancelled=0.15, objection=0.3, objection_upheld=0.4, fraud=0.08, late_review=0.6,
             low_satisfaction=0.15, low_attendance=0.3, enterprise=0.2, individual=0.15)  # fmt: skip


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    ours = CaseRun.snapshot
    stock: dict[str, Any] = {}
    seen = {"snapshots": 0, "tasks": 0}

    def checked(self: CaseRun) -> str:
        text = ours(self)
        deployment = self.deployment
        if deployment.id not in stock:
            stock[deployment.id] = serializer_for(
                deployment.spec, deployment.subprocess_specs, task_converter=TaskConverter
            )
        assert stock[deployment.id].serialize_json(self.workflow) == text
        seen["snapshots"] += 1
        seen["tasks"] += len(self.workflow.tasks)
        return text

    monkeypatch.setattr(CaseRun, "snapshot", checked)
    yield seen


def test_every_snapshot_of_a_busy_year_is_spiffs(compared: dict[str, int]) -> None:
    streams = generate_year(
        YearSpec(cases=12, per_institution=4, seed=13, rates=BUSY), BusinessCalendar(), shipped_policy()
    )
    for stream in streams:
        play_stream(stream, shipped_policy(), BusinessCalendar())
    assert compared["snapshots"] > 150


def test_every_snapshot_of_the_scenarios_is_spiffs(compared: dict[str, int]) -> None:
    assert len(SCENARIOS) >= 50
    for path in SCENARIOS:
        text = path.read_text(encoding="utf-8")
        run = ScenarioRun(parse_scenario(text, path.name), text, BusinessCalendar())
        try:
            run.run()
        finally:
            run.close()
    assert compared["snapshots"] > 800


def test_the_id_text_is_str_and_the_memory_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    from uuid import uuid4

    ids = [uuid4() for _ in range(5)]
    assert [engine_serializer._text(i) for i in ids] == [str(i) for i in ids]
    monkeypatch.setattr(engine_serializer, "_TEXT_KEPT", 3)
    engine_serializer._TEXT.clear()
    assert [engine_serializer._text(i) for i in ids] == [str(i) for i in ids]
    assert len(engine_serializer._TEXT) <= 3
