"""Every user task of the BPMN has one definition, and every table derived or attached by id covers it.

The definitions (forms/task_definitions.py) against: the user tasks of the shipped BPMN and the
role each declares, the form catalogue and binders, the commands' roles and four eyes, the rules
and engine data of tasks/rules.py, the SLA deadlines, the status labels, the demo, and a scenario
reaching each task.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine
from sqlmodel import Session

from bpmn.engine import declared_role, deploy
from cases import projections, rules
from cases.commands import FOUR_EYES, TASK_ROLES
from cli import demo
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from forms.binding import BUILDERS
from forms.catalogue import EVENT_IDS, FORM_IDS, TASK_IDS, load_schema
from forms.task_definitions import CASE_STATUSES, EVENTS, TASKS, Sla, TaskDefinition
from forms.validator import validate
from store.db import create_schema
from store.tables import CaseRow

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(
    [
        *(ROOT.parent / "shared" / "scenarios" / "examples").glob("*.yaml"),
        *ROOT.glob("tests/scenarios/*.yaml"),
    ]
)


def _models() -> dict[str, bytes]:
    models = ROOT / "bpmn"
    paths = sorted([*models.glob("processes/*.bpmn"), *models.glob("decisions/*.dmn")])
    return {str(p.relative_to(models)): p.read_bytes() for p in paths}


@functools.cache
def _declared() -> dict[str, set[str | None]]:
    """The roles the parsed userTasks declare, by task (a `__suffix` shape is the same task)."""
    deployment = deploy(_models())
    roles: dict[str, set[str | None]] = {}
    for spec in [deployment.spec, *deployment.subprocess_specs.values()]:
        for task in spec.task_specs.values():
            if getattr(task, "manual", False):
                roles.setdefault(task.name.split("__")[0], set()).add(declared_role(task))
    return roles


def _example(task_id: str) -> dict[str, Any]:
    """The data of the first accepted step of ``task_id`` in the scenario files."""
    for path in SCENARIOS:
        for step in yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]:
            data = copy.deepcopy(step.get("data"))
            if step.get("task") != task_id or not isinstance(data, dict):
                continue
            if isinstance(data.get("roster"), dict):
                data["roster"] = [
                    {"name": f"学员{i}", "id_number": f"4108811995030{i:05d}", "phone": f"139{i:08d}", "group": "企业职工"}
                    for i in range(data["roster"]["generate"])
                ]  # fmt: skip
            if validate(task_id, data).ok:
                return data
    raise AssertionError(f"no scenario step files an accepted {task_id}")


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")  # no foreign keys: the case row stands alone
    create_schema(engine)
    with Session(engine) as session:
        yield session


def _case(session: Session) -> CaseRow:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    case = CaseRow(
        label="c", deployment_id="d", process_id="subsidy_lifecycle", applicant="jyjs", institution="济源技师学院",
        occupation="焊工", level="中级工", batch="b", start_date=date(2026, 3, 9), end_date=date(2026, 4, 24),
        planned_count=40, status="training", figures={"opening_count": 40}, snapshot="{}", digest="",
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(case)
    session.flush()
    return case


def _spy_on_rules(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each domain rule (a `check_` function of domain/) tasks/rules.py calls, outermost calls only."""
    called: list[str] = []
    depth = [0]

    def spy(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if depth[0] == 0:
                called.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return recorded

    for name, value in list(vars(rules).items()):
        if isinstance(value, ModuleType) and value.__name__.startswith("domain."):
            for inner, function in list(vars(value).items()):
                if inner.startswith("check_") and callable(function):
                    monkeypatch.setattr(value, inner, spy(inner, function))
        elif name.startswith("check_") and getattr(value, "__module__", "").startswith("domain."):
            monkeypatch.setattr(rules, name, spy(name, value))
    return called


def test_the_bpmn_user_tasks_are_the_defined_tasks_and_declare_their_roles() -> None:
    declared = _declared()
    assert set(declared) == {t.id for t in TASKS}
    for task in TASKS:
        assert declared[task.id] == {task.role.value}, (task.id, declared[task.id])


def test_every_task_and_event_has_a_form_and_a_binder() -> None:
    assert TASK_IDS == tuple(t.id for t in TASKS)
    assert EVENT_IDS == tuple(e.id for e in EVENTS)
    assert set(FORM_IDS) == {t.form for t in TASKS} | {e.form for e in EVENTS}
    assert set(BUILDERS) == set(FORM_IDS)
    for form_id in FORM_IDS:
        assert load_schema(form_id)["x-order"], form_id


def test_the_commands_take_roles_and_four_eyes_from_the_definitions() -> None:
    assert dict(TASK_ROLES) == {t.id: t.role for t in TASKS}
    assert dict(FOUR_EYES) == {t.id: t.four_eyes for t in TASKS if t.four_eyes}
    for task, partner in FOUR_EYES.items():
        first, second = TASK_IDS.index(partner), TASK_IDS.index(task)
        assert first < second and TASK_ROLES[partner] != TASK_ROLES[task], task


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.id)
def test_every_task_has_its_rules_and_hands_its_engine_data(
    task: TaskDefinition, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tasks/rules.py applies exactly the definition's rules and hands the diagram exactly its names."""
    value = validate(task.form, _example(task.id)).unwrap()
    case = _case(session)
    today = date(2026, 3, 2)
    rt = SimpleNamespace(today=lambda: today, policy=Policy(), calendar=BusinessCalendar())
    called = _spy_on_rules(monkeypatch)
    rules.check(rt, session, None if task.id == "opening_application" else case, task.id, value)  # type: ignore[arg-type]
    assert sorted(set(called)) == sorted(task.rules), f"{task.id}: its rules in forms/task_definitions.py"
    data = rules.engine_data(session, case, task.id, value, today, "someone")
    assert set(data) == {"today", "actor"} | task.hands, task.id


def test_every_deadline_a_task_works_against_has_its_computation() -> None:
    assert set(projections.DUE) == set(Sla)
    assert {t.sla for t in TASKS if t.sla} == set(Sla)


def test_every_status_a_task_gives_has_a_label() -> None:
    assert {t.status for t in TASKS} <= set(CASE_STATUSES)
    for status, label in CASE_STATUSES.items():
        assert re.search(r"[\u4e00-\u9fff]", label), status


def test_the_demo_names_every_task_and_status_from_the_definitions() -> None:
    assert dict(demo.STAGE) == {t.id: t.title for t in TASKS}
    assert dict(demo.STATUS) == dict(CASE_STATUSES)


def test_every_user_task_is_reached_by_a_scenario() -> None:
    reached: set[str] = set()
    for path in SCENARIOS:
        reached |= set(re.findall(r"task: (\w+)", path.read_text(encoding="utf-8")))
    assert set(TASK_IDS) <= reached
