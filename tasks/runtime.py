"""What every command runs against: database, clock, calendar, policy and the pinned deployment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bpmn.clock import Clock
from bpmn.engine import CaseRun, Deployment, deploy, model_files
from bpmn.script_env import SandboxEnvironment, lifecycle_functions
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.tables import CaseRow, DeploymentFile, DeploymentRow


@dataclass
class Runtime:
    """The collaborators of a command: nothing here reads the wall clock or global state."""

    db: Engine
    clock: Clock
    calendar: BusinessCalendar
    policy: Policy
    check_roundtrip: bool = False  # tests: reload every snapshot and require the same state
    deployment: Deployment = field(init=False)

    def __post_init__(self) -> None:
        standards = {str(level): yuan for level, yuan in self.policy.standards.items()}
        self.deployment = deploy(model_files(), standards)

    def now(self) -> datetime:
        """The current instant."""
        return self.clock.now()

    def today(self) -> date:
        """Today in Asia/Shanghai."""
        return self.clock.now().astimezone(SHANGHAI).date()

    def environment(self) -> SandboxEnvironment:
        """The diagram environment bound to this policy and calendar."""
        return SandboxEnvironment(lifecycle_functions(self.policy, self.calendar))

    def session(self) -> Session:
        """A new unit of work."""
        return Session(self.db, expire_on_commit=False)

    def load_run(self, session: Session, case: CaseRow) -> CaseRun:
        """The case's live workflow, from its snapshot, on the deployment it is pinned to."""
        deployment = self.deployment
        if case.deployment_id != deployment.id:
            rows = session.exec(
                select(DeploymentFile).where(DeploymentFile.deployment_id == case.deployment_id)
            )
            deployment = deploy({r.name: r.content.encode() for r in rows})
        return CaseRun.load(deployment, case.snapshot, self.environment(), self.clock)

    def record_deployment(self, session: Session) -> None:
        """Store the deployment's files and policy once (by content hash)."""
        if session.get(DeploymentRow, self.deployment.id) is not None:
            return
        policy: dict[str, Any] = self.policy.model_dump(mode="json")
        session.add(DeploymentRow(id=self.deployment.id, policy=policy, created_at=self.now()))
        session.flush()
        for name, body in self.deployment.files.items():
            session.add(DeploymentFile(deployment_id=self.deployment.id, name=name, content=body.decode()))
        session.flush()
