"""What every command runs against: database, clock, and the deployment that judges the case.

A runtime is made from settings (database, clock, policy, calendar): its deployment is the one
those settings make, the one a new case pins. A case filed earlier is judged by the deployment it
pinned: ``rt.pinned(deployment)`` gives the runtime of that deployment (its policy, its calendar),
and ``load_run`` reads a case only after its history passed the integrity check.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from threading import Lock
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bpmn.clock import Clock
from bpmn.deployment import DeploymentTampered, assemble
from bpmn.engine import CaseRun, Deployment, deploy, load_deployment
from bpmn.model_lint import ModelExpressionRefused
from bpmn.script_env import SandboxEnvironment
from cases.integrity import ensure_intact
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.errors import ErrorCode, Refused, Violation
from domain.policy import Policy
from store.tables import CaseRow, DeploymentFile, DeploymentRow

# Deployments read from the store and verified against their hash, by id: once verified, the
# in-memory copy is what judges (a later edit of the stored files cannot reach it).
_VERIFIED: dict[str, Deployment] = {}
_VERIFIED_LOCK = Lock()


class DeploymentRefused(Refused):
    """A case pinned to a deployment that is missing or whose stored files fail their hash."""

    def __init__(self, deployment_id: str, reason: str) -> None:
        self.deployment_id = deployment_id
        super().__init__([Violation(ErrorCode.INTEGRITY, None, reason)])


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
        self.deployment = deploy(assemble(self.policy, self.calendar))

    def pinned(self, deployment: Deployment) -> Runtime:
        """The runtime judging a case pinned to ``deployment``: its policy, calendar and models."""
        if deployment.id == self.deployment.id:
            return self
        other = copy(self)  # no __post_init__: the deployment is the pinned one, not the settings'
        other.calendar, other.policy, other.deployment = deployment.calendar, deployment.policy, deployment
        return other

    def now(self) -> datetime:
        """The current instant."""
        return self.clock.now()

    def today(self) -> date:
        """Today in Asia/Shanghai."""
        return self.clock.now().astimezone(SHANGHAI).date()

    def environment(self) -> SandboxEnvironment:
        """The diagram environment of this runtime's deployment (its policy and calendar)."""
        return self.deployment.environment

    def session(self) -> Session:
        """A new unit of work."""
        return Session(self.db, expire_on_commit=False)

    def deployment_of(self, session: Session, case: CaseRow) -> Deployment:
        """The deployment a case is pinned to, verified against its content hash."""
        if case.deployment_id == self.deployment.id:
            return self.deployment
        return stored_deployment(session, case.deployment_id)

    def load_run(self, session: Session, case: CaseRow) -> CaseRun:
        """The case's live workflow on its pinned deployment, once its history passed the integrity check."""
        ensure_intact(session, case)
        deployment = self.deployment_of(session, case)
        return CaseRun.load(deployment, case.snapshot, deployment.environment, self.clock)

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


def stored_files(session: Session, deployment_id: str) -> dict[str, bytes]:
    """The files of a deployment as the store holds them (unverified)."""
    rows = session.exec(select(DeploymentFile).where(DeploymentFile.deployment_id == deployment_id))
    return {r.name: r.content.encode() for r in rows}


def stored_deployment(session: Session, deployment_id: str, *, fresh: bool = False) -> Deployment:
    """A deployment read from the store and verified against its id (``fresh``: read and verify again)."""
    if not fresh:
        with _VERIFIED_LOCK:
            found = _VERIFIED.get(deployment_id)
        if found is not None:
            return found
    files = stored_files(session, deployment_id)
    if not files:
        raise DeploymentRefused(deployment_id, f"案件所依据的部署 {deployment_id[:12]}… 不在库中，无法办理")
    try:
        deployment = load_deployment(deployment_id, files)
    except DeploymentTampered as tampered:
        raise DeploymentRefused(deployment_id, str(tampered)) from tampered
    except ModelExpressionRefused as refused:  # consistent hash, hostile content: still never run
        raise DeploymentRefused(
            deployment_id, f"部署 {deployment_id[:12]}… 含有不允许的表达式：{refused}"
        ) from refused
    with _VERIFIED_LOCK:
        _VERIFIED[deployment_id] = deployment
    return deployment
