"""Every human task of the shipped lifecycle has a form, a lane that is its role, and a scenario reaching it."""

from __future__ import annotations

import re
from pathlib import Path

from bpmn.engine import deploy, model_files
from forms.validator import TASK_IDS
from tasks.commands import TASK_ROLES

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [
    *ROOT.glob("tests/scenarios/*.yaml"),
    *(ROOT.parent / "shared" / "scenarios" / "examples").glob("*.yaml"),
]


def _user_tasks() -> dict[str, set[str]]:
    deployment = deploy(model_files())
    lanes: dict[str, set[str]] = {}
    for spec in [deployment.spec, *deployment.subprocess_specs.values()]:
        for task in spec.task_specs.values():
            if getattr(task, "manual", False):
                lanes.setdefault(task.name.split("__")[0], set()).add(task.lane)
    return lanes


def test_every_user_task_has_a_form_and_its_lane_is_its_role() -> None:
    lanes = _user_tasks()
    assert set(lanes) == set(TASK_IDS) == set(TASK_ROLES)
    for key, found in lanes.items():
        assert found == {TASK_ROLES[key].value}, (key, found)


def test_every_user_task_is_reached_by_a_scenario() -> None:
    reached = set()
    for path in SCENARIOS:
        reached |= set(re.findall(r"task: (\w+)", path.read_text(encoding="utf-8")))
    assert set(_user_tasks()) <= reached
