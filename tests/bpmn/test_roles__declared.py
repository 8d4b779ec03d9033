"""Every user task declares its role on itself in the BPMN; lanes are drawn to match and are never read.

bpmn-js rewrites a lane's ``flowNodeRef`` list whenever a shape or a lane is moved: a 10-pixel
move once turned ``opening_first_review`` into a rechecker's task. So the role is the task's
``role`` property, and these tests delete and shuffle the lists and show that nothing changes.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from bpmn.clock import VirtualClock
from bpmn.engine import CaseRun, Deployment, ReadyTask, declared_role, deploy
from domain.calendar import SHANGHAI
from domain.vocab import Role
from forms.task_definitions import ROLE_PROPERTY, definition

MODELS = Path(__file__).resolve().parents[2] / "bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
ROLE_XPATH = (
    f"bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name='{ROLE_PROPERTY}']"
)
APPLICATION = {
    "institution": "济源技师学院", "occupation": "焊工", "level": "中级工", "start_date": "2026-03-09",
    "end_date": "2026-04-24", "planned_count": 40, "key_group": False, "today": "2026-03-02", "actor": "jyjs",
}  # fmt: skip
REVIEWS = ("opening_first_review", "opening_recheck", "opening_approval")


def shipped_files() -> dict[str, bytes]:
    """The shipped BPMN and DMN files, by name relative to bpmn/."""
    paths = sorted([*MODELS.glob("processes/*.bpmn"), *MODELS.glob("decisions/*.dmn")])
    return {str(p.relative_to(MODELS)): p.read_bytes() for p in paths}


def declared_roles(files: dict[str, bytes]) -> dict[str, str | None]:
    """The role each userTask of the XML declares (None: no declaration)."""
    found: dict[str, str | None] = {}
    for name, body in files.items():
        if name.endswith(".bpmn"):
            for task in etree.fromstring(body).iter(f"{{{NS['bpmn']}}}userTask"):
                prop = task.find(ROLE_XPATH, NS)
                found[task.get("id")] = prop.get("value") if prop is not None else None
    return found


def edit_lanes(files: dict[str, bytes], edit: Any) -> dict[str, bytes]:
    """The files with ``edit(lanes)`` applied to every process's lanes (flowNodeRef lists)."""
    edited = {}
    for name, body in files.items():
        edited[name] = body
        if name.endswith(".bpmn"):
            root = etree.fromstring(body)
            edit(list(root.iter(f"{{{NS['bpmn']}}}lane")))
            edited[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return edited


def drop_refs(lanes: list[Any]) -> None:
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane.remove(ref)


def shuffle_refs(lanes: list[Any]) -> None:
    refs = [ref for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)]
    random.Random(7).shuffle(refs)
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane.remove(ref)
    for i, ref in enumerate(refs):
        lanes[i % len(lanes)].append(ref)


def move_first_review_to_recheck(lanes: list[Any]) -> None:
    """What the 10-pixel move did: opening_first_review's ref lands in the rechecker lane."""
    by_name = {lane.get("id"): lane for lane in lanes}
    if "opening_lane_reviewer" not in by_name:
        return  # another process
    reviewer, rechecker = by_name["opening_lane_reviewer"], by_name["opening_lane_rechecker"]
    ref = next(r for r in reviewer.findall("bpmn:flowNodeRef", NS) if r.text == "opening_first_review")
    reviewer.remove(ref)
    rechecker.append(ref)


def user_task_specs(deployment: Deployment) -> dict[str, Any]:
    """Every parsed userTask spec of a deployment, by its BPMN id."""
    return {
        spec.name: spec
        for process in [deployment.spec, *deployment.subprocess_specs.values()]
        for spec in process.task_specs.values()
        if getattr(spec, "manual", False)
    }


def walk_opening_review(deployment: Deployment) -> list[ReadyTask]:
    """The ready tasks met from the application through the three reviews, all approved."""
    clock = VirtualClock(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    run, _ = CaseRun.start(deployment, deployment.environment, clock, APPLICATION)
    met = list(run.view().ready)
    run.complete("opening_application", {"today": "2026-03-02", "actor": "jyjs"})
    for key in REVIEWS:
        met.extend(run.view().ready)
        run.complete(key, {"decision": "approve", "comment": "", "today": "2026-03-03", "actor": key})
    met.extend(run.view().ready)
    return met


def test_every_user_task_declares_the_role_of_its_definition() -> None:
    roles = declared_roles(shipped_files())
    assert len(roles) >= 15
    for task_id, role in roles.items():
        found = definition(task_id)
        assert found is not None, f"{task_id}: no task definition (forms/task_definitions.py)"
        assert role == found.role.value, f"{task_id} declares {role!r}, its definition says {found.role}"


def test_every_lane_is_drawn_around_the_tasks_of_its_role() -> None:
    """The lane a task's shape sits in, and the lane listing it, are named for its declared role."""
    for name, body in shipped_files().items():
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(body)
        bounds = {
            shape.get("bpmnElement"): shape.find("dc:Bounds", NS)
            for shape in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")
        }
        lanes = list(root.iter(f"{{{NS['bpmn']}}}lane"))
        for task in root.iter(f"{{{NS['bpmn']}}}userTask"):
            role = task.find(ROLE_XPATH, NS).get("value")
            box = bounds[task.get("id")]
            cy = float(box.get("y")) + float(box.get("height")) / 2
            drawn = [
                lane.get("name")
                for lane in lanes
                if float(bounds[lane.get("id")].get("y"))
                <= cy
                <= float(bounds[lane.get("id")].get("y")) + float(bounds[lane.get("id")].get("height"))
            ]
            assert drawn == [role], (name, task.get("id"), drawn)
            refs = {
                lane.get("name"): [r.text for r in lane.findall("bpmn:flowNodeRef", NS)] for lane in lanes
            }
            listed = [lane for lane, ids in refs.items() if task.get("id") in ids]
            assert listed == [role], (name, task.get("id"), listed)


@pytest.mark.parametrize("edit", [drop_refs, shuffle_refs, move_first_review_to_recheck])
def test_the_engine_reports_the_declared_role_whatever_the_lanes_list(edit: Any) -> None:
    files = edit_lanes(shipped_files(), edit)
    assert files != shipped_files()
    deployment = deploy(files)
    specs = user_task_specs(deployment)
    assert set(specs) == set(declared_roles(files))
    for spec_id, spec in specs.items():
        found = definition(spec_id)
        assert found is not None
        assert declared_role(spec) == found.role.value, spec_id
    if edit is drop_refs:
        assert {spec.lane for spec in specs.values()} == {None}  # the lanes told the engine nothing
    met = walk_opening_review(deployment)
    assert [t.key for t in met] == ["opening_application", *REVIEWS, "opening_day_check"]
    for task in met:
        found = definition(task.key)
        assert found is not None and task.role == found.role.value, task


def test_a_case_run_reports_the_declared_role_beside_the_lane() -> None:
    met = walk_opening_review(deploy(shipped_files()))
    assert [(t.key, t.role, t.lane) for t in met] == [
        ("opening_application", Role.APPLICANT, "applicant"),
        ("opening_first_review", Role.REVIEWER, "reviewer"),
        ("opening_recheck", Role.RECHECKER, "rechecker"),
        ("opening_approval", Role.APPROVER, "approver"),
        ("opening_day_check", Role.INSPECTOR, "inspector"),
    ]


def test_a_user_task_without_a_declaration_has_no_role() -> None:
    """No fallback to the lane: an undeclared task reports no role (and the completeness test fails)."""
    files = shipped_files()
    opening = etree.fromstring(files["processes/opening.bpmn"])
    task = opening.find(".//bpmn:userTask[@id='opening_recheck']", NS)
    task.remove(task.find("bpmn:extensionElements", NS))
    files["processes/opening.bpmn"] = etree.tostring(opening, xml_declaration=True, encoding="UTF-8")
    specs = user_task_specs(deploy(files))
    assert specs["opening_recheck"].lane == "rechecker"
    assert declared_role(specs["opening_recheck"]) is None
    assert declared_role(specs["opening_first_review"]) == "reviewer"
