"""Moving running cases from one deployed version to another: a report first, then one case at a time.

A case can move when every element it is in (ready tasks, waiting timers and messages, the
subprocesses it is in) exists in the target version under the same id, and its snapshot loads on
the target's specs (SpiffWorkflow's state names its specs: a finished element that the target
lacks is refused too). An open task whose form changed is flagged, not blocked. A move is one
transaction per case under the case's version (a concurrent command makes it a conflict, never a
half-move): the case's ``deployment_id`` changes and a ``migrated`` event (from, to, by, reason)
is appended to its history; replay switches deployments at that event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from bpmn.engine import CaseRun, Deployment
from cases.conflict import CaseConflict
from cases.integrity import CaseQuarantined, ensure_intact
from cases.races import RACES
from cases.runtime import Runtime, stored_deployment
from cases.step import log_event
from forms.task_definitions import definition, task_key
from store import deployments
from store.tables import CaseRow

# SpiffWorkflow task states (SpiffWorkflow.util.task.TaskState) of an element a case is in.
_WAITING, _READY, _STARTED = 8, 16, 32
_ACTIVE = (_WAITING, _READY, _STARTED)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one running case can move, what it is in, and why not (or what to look at)."""

    case_id: int
    label: str
    elements: tuple[str, ...]  # `process/element` of what the case is in
    movable: bool
    reason: str  # why it cannot move; or the flags of a movable case (changed forms); "" otherwise


@dataclass(frozen=True, slots=True)
class MigrationResult:
    """What a bulk migration did: cases moved, refused (with the reason), and lost to a concurrent command."""

    moved: tuple[int, ...]
    refused: tuple[Verdict, ...]
    conflicts: tuple[int, ...]


class VersionUnknown(LookupError):
    """A version number that was never deployed."""

    def __init__(self, number: int) -> None:
        super().__init__(f"没有第 {number} 版部署：请用已部署的版本号")
        self.number = number


def version_deployment(session: Session, number: int) -> Deployment:
    """The deployment numbered ``number``, verified against its hash."""
    found = deployments.by_number(session, number)
    if found is None:
        raise VersionUnknown(number)
    return stored_deployment(session, found.id)


def _active(tree: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(process, element) of every active task of a serialized workflow and its subprocesses."""
    process = str(tree.get("spec", ""))
    for task in tree.get("tasks", {}).values():
        if task.get("state") in _ACTIVE:
            yield process, str(task.get("task_spec"))
    for sub in tree.get("subprocesses", {}).values():
        yield from _active(sub)


def _specs(deployment: Deployment, process: str) -> Any:
    if process == deployment.spec.name:
        return deployment.spec
    return deployment.subprocess_specs.get(process)


def judge(case: CaseRow, source: Deployment, target: Deployment, runtime: Runtime) -> Verdict:
    """Whether ``case`` (on ``source``) can move to ``target``, and why not."""
    assert case.id is not None  # noqa: S101 - persisted
    active = sorted(set(_active(json.loads(case.snapshot))))
    shown = tuple(
        f"{process}/{element}" for process, element in active if not element.endswith(("Start", "End"))
    )
    missing = []
    for process, element in active:
        spec = _specs(target, process)
        if spec is None or element not in spec.task_specs:
            missing.append(f"{element}（流程 {process}）")
    if missing:
        return Verdict(
            case.id, case.label, shown, False, f"目标版本中没有 {'、'.join(missing)}（已改名或删除）"
        )
    try:
        CaseRun.load(target, case.snapshot, target.environment, runtime.clock)
    except Exception as failed:  # a finished element the target lacks: SpiffWorkflow cannot rebuild the case
        return Verdict(
            case.id,
            case.label,
            shown,
            False,
            f"快照无法在目标版本上载入（{type(failed).__name__}: {failed}）",
        )
    flags = []
    for _process, element in active:
        found = definition(task_key(element))
        if found is None:
            continue
        name = f"forms/{found.form}.json"
        if source.files.get(name) != target.files.get(name):
            flags.append(f"待办任务 {element} 的表单已变更")
    return Verdict(case.id, case.label, shown, True, "；".join(flags))


def running_cases(session: Session, deployment_id: str) -> list[CaseRow]:
    """Cases pinned to ``deployment_id`` whose workflow has not finished, oldest first."""
    rows = session.exec(
        select(CaseRow).where(CaseRow.deployment_id == deployment_id).order_by(col(CaseRow.id))
    )
    return [case for case in rows if any(True for _ in _active(json.loads(case.snapshot)))]


def plan(runtime: Runtime, source_version: int, target_version: int) -> list[Verdict]:
    """The report: every running case on the source version, with its verdict (nothing is changed)."""
    with runtime.session() as session:
        source = version_deployment(session, source_version)
        target = version_deployment(session, target_version)
        return [judge(case, source, target, runtime) for case in running_cases(session, source.id)]


def migrate_case(
    runtime: Runtime, case_id: int, source_version: int, target_version: int, *, by: str, reason: str
) -> Verdict:
    """Move one case in its own transaction: checked again, then deployment and `migrated` event together."""
    with runtime.session() as session:
        source = version_deployment(session, source_version)
        target = version_deployment(session, target_version)
        case = session.get(CaseRow, case_id)
        if case is None or case.deployment_id != source.id:
            return Verdict(case_id, case.label if case else "", (), False, "案件已不在源版本上（已被迁移？）")
        try:
            ensure_intact(session, case)
        except CaseQuarantined as quarantined:
            return Verdict(case_id, case.label, (), False, f"案件未通过完整性校验，不迁移：{quarantined}")
        except CaseConflict:
            return Verdict(case_id, case.label, (), False, "案件刚被他人同时办理，未迁移：请重试")
        verdict = judge(case, source, target, runtime)
        if not verdict.movable:
            return verdict
        payload = {
            "from_version": source_version, "to_version": target_version,
            "from_deployment": source.id, "to_deployment": target.id, "by": by, "reason": reason,
            "elements": list(verdict.elements),
        }  # fmt: skip
        case.deployment_id = target.id  # sealed with the event below, written under the case's version
        log_event(session, case, "migrated", by, payload, runtime.now(), case.digest)
        session.commit()
        return verdict


def migrate(
    runtime: Runtime,
    source_version: int,
    target_version: int,
    *,
    by: str,
    reason: str,
    progress: Callable[[Verdict], None] = lambda _verdict: None,
) -> MigrationResult:
    """Move every movable running case from the source to the target version, one transaction each."""
    moved: list[int] = []
    refused: list[Verdict] = []
    conflicts: list[int] = []
    for verdict in plan(runtime, source_version, target_version):
        if not verdict.movable:
            refused.append(verdict)
            progress(verdict)
            continue
        try:
            done = migrate_case(
                runtime, verdict.case_id, source_version, target_version, by=by, reason=reason
            )
        except RACES:  # a command changed the case meanwhile: it stays where it is, reported
            conflicts.append(verdict.case_id)
            progress(verdict)
            continue
        if done.movable:
            moved.append(done.case_id)
        else:
            refused.append(done)
        progress(done)
    return MigrationResult(tuple(moved), tuple(refused), tuple(conflicts))
