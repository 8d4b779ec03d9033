"""Replay: rebuild a case from its pinned deployment by re-applying its events (what an auditor runs)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from bpmn.clock import VirtualClock
from bpmn.engine import CaseRun, deploy
from bpmn.script_env import SandboxEnvironment, lifecycle_functions
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store import event_log
from store.tables import CaseRow, DeploymentFile, DeploymentRow


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """How a replay went: events re-applied, the first divergence, the chain check."""

    case_id: int
    events: int
    diverged_at: int | None
    chain_problem: str | None

    @property
    def ok(self) -> bool:
        """The history is intact and reproduces the recorded state at every step."""
        return self.diverged_at is None and self.chain_problem is None


def replay_case(session: Session, case_id: int, calendar: BusinessCalendar) -> ReplayReport:
    """Re-apply every event of the case on a virtual clock and compare the digest at each step."""
    case = session.get(CaseRow, case_id)
    if case is None:
        raise LookupError(f"没有案件 {case_id}")
    row = session.get(DeploymentRow, case.deployment_id)
    if row is None:
        raise LookupError(f"案件 {case_id} 的部署 {case.deployment_id} 不在库中")
    rows = session.exec(select(DeploymentFile).where(DeploymentFile.deployment_id == row.id))
    files = {f.name: f.content.encode() for f in rows}
    deployment = deploy(files)
    environment = SandboxEnvironment(lifecycle_functions(Policy.model_validate(row.policy), calendar))
    history = event_log.events(session, case_id)
    run: CaseRun | None = None
    clock: VirtualClock | None = None
    for event in history:
        clock = clock or VirtualClock(event.at)
        clock.move_to(max(event.at, clock.now()))
        payload = event.payload
        if event.type == "case_created":
            run, _ = CaseRun.start(deployment, environment, clock, payload["start"])
        elif event.type == "fraud_recovery_started":
            run, _ = CaseRun.start(
                deployment, environment, clock, payload["start"], process_id="fraud_recovery"
            )
        elif run is None:
            return ReplayReport(case_id, len(history), event.seq, None)
        elif event.type == "task_completed":
            run.complete(payload["task"], payload["engine"])
        elif event.type.startswith("message:"):
            run.deliver(payload["message"], payload["payload"])
        elif event.type in ("timers_fired", "objection_joined"):
            run.fire_due_timers()
        if run is None or run.digest() != event.digest:
            return ReplayReport(case_id, len(history), event.seq, None)
    return ReplayReport(case_id, len(history), None, event_log.verify_chain(session, case_id))
