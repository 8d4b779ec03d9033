"""Replay: rebuild a case from its pinned deployment by re-applying its events (what an auditor runs).

Replay trusts nothing it checks: the deployment's files are verified against their hash before
they are parsed, the chain is checked event by event (missing, edited, reordered), the case row
and its snapshot against the last event's seal, and the engine state against the digest recorded
at every step. Whatever it finds is reported for the case, and the next case is replayed all the
same: a damaged case never stops the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bpmn.clock import VirtualClock
from bpmn.engine import CaseRun, Deployment, ReadyTask
from cases.integrity import Finding, chain_findings, row_findings
from cases.runtime import stored_deployment
from domain.errors import Refused
from store import event_log
from store.tables import CaseEvent, CaseRow


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """How a replay went: events re-applied, and every problem found (empty: the history holds)."""

    case_id: int
    events: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """The history is intact and reproduces the recorded state at every step."""
        return not self.findings

    @property
    def diverged_at(self) -> int | None:
        """The event after which the rebuilt state first differs from the recorded one."""
        return next((f.seq for f in self.findings if f.kind == "replay"), None)

    @property
    def chain_problem(self) -> str | None:
        """The first problem of the log itself (missing, edited or reordered events), if any."""
        return next((f.detail for f in self.findings if f.kind in ("missing", "edited", "reordered")), None)


def replay_case(session: Session, case_id: int) -> ReplayReport:
    """Verify the case's log, row and deployment, then re-apply every event and compare each digest."""
    case = session.get(CaseRow, case_id)
    if case is None:
        return ReplayReport(case_id, 0, (Finding("head", None, f"没有案件 {case_id}"),))
    history = event_log.events(session, case_id)
    found = [*chain_findings(case_id, history), *row_findings(case, history)]
    try:
        deployment, moves = deployments_of(session, case, history)
    except Refused as refused:
        found.append(Finding("deployment", None, refused.first.message))
        return ReplayReport(case_id, len(history), tuple(found))
    if not any(f.kind in ("missing", "edited", "reordered") for f in found):
        found += rebuild(deployment, history, moves)[1]
    return ReplayReport(case_id, len(history), tuple(found))


def deployments_of(
    session: Session, case: CaseRow, history: Sequence[CaseEvent]
) -> tuple[Deployment, dict[str, Deployment]]:
    """The deployment a case was filed on and each one a `migrated` event moved it to, verified by hash."""
    moves = [e.payload for e in history if e.type == "migrated" and isinstance(e.payload, Mapping)]
    first = str(moves[0]["from_deployment"]) if moves else case.deployment_id
    targets = {
        str(m["to_deployment"]): stored_deployment(session, str(m["to_deployment"]), fresh=True)
        for m in moves
    }
    return stored_deployment(session, first, fresh=True), targets


def _migrated(run: CaseRun, payload: Mapping[str, Any], moves: Mapping[str, Deployment]) -> CaseRun:
    """The same engine state re-read on the deployment a `migrated` event moved the case to."""
    target = moves[str(payload["to_deployment"])]
    return CaseRun.load(target, run.snapshot(), target.environment, run.workflow.script_engine.clock)


def rebuild(
    deployment: Deployment, history: Sequence[CaseEvent], moves: Mapping[str, Deployment] | None = None
) -> tuple[CaseRun | None, list[Finding]]:
    """The engine state after re-running the events, and the first step that differs from the record."""
    environment = deployment.environment
    run: CaseRun | None = None
    clock: VirtualClock | None = None
    for event in history:
        try:
            clock = clock or VirtualClock(event.at)
            clock.move_to(max(event.at, clock.now()))
            payload = event.payload
            if event.type == "case_created":
                trim = CaseRun.trims_recorded(payload)
                run, _ = CaseRun.start(deployment, environment, clock, payload["start"], trim=trim)
            elif event.type == "fraud_recovery_started":
                trim = CaseRun.trims_recorded(payload)
                run, _ = CaseRun.start(
                    deployment, environment, clock, payload["start"], process_id="fraud_recovery", trim=trim
                )
            elif run is None:
                return None, [
                    Finding("replay", event.seq, f"第 {event.seq} 个事件（{event.type}）之前没有建立流程")
                ]
            elif event.type == "task_completed":
                run.complete(payload["task"], payload["engine"])
            elif event.type.startswith("message:"):
                run.deliver(payload["message"], payload["payload"])
            elif event.type in ("timers_fired", "objection_joined"):
                run.fire_due_timers()
            elif event.type == "migrated":
                run = _migrated(run, payload, moves or {})
            matches = run is not None and run.digest() == event.digest
        except Exception as failed:  # an event the engine cannot re-apply: a finding, never a crash
            detail = f"第 {event.seq} 个事件（{event.type}）无法重放：{type(failed).__name__}"
            return run, [Finding("replay", event.seq, detail)]
        if not matches:
            return run, [
                Finding(
                    "replay", event.seq, f"重放到第 {event.seq} 个事件（{event.type}）后流程状态与记录不一致"
                )
            ]
    return run, []


@dataclass(frozen=True, slots=True)
class CaseAsOf:
    """A case as it stood at an instant: status and figures its events sealed, open tasks re-run."""

    case_id: int
    instant: datetime
    events: int  # events recorded up to the instant
    last_event: str | None  # type of the last of them
    last_at: datetime | None
    status: str | None  # None: the case was not filed yet
    figures: Mapping[str, Any]
    open_tasks: tuple[ReadyTask, ...]
    findings: tuple[Finding, ...]  # what stops the history up to the instant being trusted

    @property
    def ok(self) -> bool:
        """The history up to the instant holds and re-runs to the recorded state."""
        return not self.findings


def as_of(session: Session, case_id: int, instant: datetime) -> CaseAsOf:
    """The case as it stood at ``instant`` (aware): rebuilt from its pinned deployment up to that instant.

    Status and figures are the ones the last event up to then sealed (``payload["state"]``); the open
    tasks come from the engine state re-built by re-applying those events, each checked against the
    digest recorded with it. A broken chain or a deployment that fails its hash is reported, never
    re-run.
    """
    case = session.get(CaseRow, case_id)
    if case is None:
        return CaseAsOf(
            case_id, instant, 0, None, None, None, {}, (), (Finding("head", None, f"没有案件 {case_id}"),)
        )
    history = event_log.events(session, case_id)
    found = chain_findings(case_id, history)
    before = [e for e in history if e.at <= instant]
    if not before:
        return CaseAsOf(case_id, instant, 0, None, None, None, {}, (), tuple(found))
    last = before[-1]
    state = last.payload.get("state") if isinstance(last.payload, Mapping) else None
    status = str(state["status"]) if isinstance(state, Mapping) and "status" in state else None
    figures = dict(state.get("figures") or {}) if isinstance(state, Mapping) else {}
    tasks: tuple[ReadyTask, ...] = ()
    if not found:
        try:
            deployment, moves = deployments_of(session, case, history)
        except Refused as refused:
            found.append(Finding("deployment", None, refused.first.message))
        else:
            run, diverged = rebuild(deployment, before, moves)
            found += diverged
            if run is not None and not diverged:
                tasks = run.view().ready
    return CaseAsOf(case_id, instant, len(before), last.type, last.at, status, figures, tasks, tuple(found))
