"""What every command runs against: database, clock, and the deployment that judges the case.

A runtime is made from settings (database, clock, policy, calendar): its deployment is the one
those settings make, the one a new case pins. A case filed earlier is judged by the deployment it
pinned: ``rt.pinned(deployment)`` gives the runtime of that deployment (its policy, its calendar),
and ``load_run`` reads a case only after its history passed the integrity check.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from threading import Lock
from typing import Any

from sqlalchemy import Engine, bindparam
from sqlmodel import Session, select

from bpmn.clock import Clock
from bpmn.deployment import DeploymentTampered, assemble, forms_dir_files, models_of
from bpmn.engine import CaseRun, Deployment, deploy, load_deployment
from bpmn.model_lint import ModelExpressionRefused
from bpmn.script_env import SandboxEnvironment
from cases.hot_runs import HotRuns
from cases.integrity import ensure_intact
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.errors import ErrorCode, Refused, Violation
from domain.policy import Policy
from store import deployments
from store.reads import read_rows
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
    # New cases drop their finished subprocesses after every step (CaseRun.start(trim=...)); False
    # files them as cases were filed before 2026-12 (the comparison test plays both).
    trim_finished: bool = True
    deployment: Deployment = field(init=False)
    # Live instances of the cases this runtime's commands committed (shared by pinned copies).
    hot: HotRuns = field(init=False, default_factory=HotRuns)

    def __post_init__(self) -> None:
        self.deployment = deploy(assemble(self.policy, self.calendar))

    def pinned(self, deployment: Deployment) -> Runtime:
        """The runtime judging a case pinned to ``deployment``: its policy, calendar and models."""
        if deployment.id == self.deployment.id:
            return self
        other = copy(self)  # no __post_init__: the deployment is the pinned one, not the settings'
        other.calendar, other.policy, other.deployment = deployment.calendar, deployment.policy, deployment
        return other

    def with_files(self, files: Mapping[str, bytes]) -> Runtime:
        """The runtime judging new cases by these models and forms (a candidate deployment's) instead of the shipped ones."""
        other = copy(self)
        other.deployment = deploy(
            assemble(self.policy, self.calendar, models=models_of(files), forms=forms_dir_files(files))
        )
        return other

    def for_filing(self, session: Session) -> Runtime:
        """The runtime a new application is judged by: the deployed version in force today, if any was deployed.

        With no version ever deployed, the settings' files judge it (scenario runs, a fresh install);
        once versions exist, a day none of them covers is refused with ``policy_missing``.
        """
        if not deployments.any_version(session):
            return self
        today = self.today()
        found = deployments.in_force(session, today)
        if found is None:
            raise Refused([Violation(ErrorCode.POLICY_MISSING, None, policy_missing_message(today))])
        return self.pinned(stored_deployment(session, found.id))

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
        live = self.hot.take(case, deployment, self.clock)  # what this process committed, if current
        if live is not None:
            return live
        return CaseRun.load(deployment, case.snapshot, deployment.environment, self.clock)

    def record_deployment(self, session: Session) -> None:
        """Store the deployment's files and policy once (by content hash)."""
        if read_rows(session, _DEPLOYMENT_STORED, {"id": self.deployment.id}).first() is not None:
            return  # (a column read: the row's policy need not be parsed at every filing)
        policy: dict[str, Any] = self.policy.model_dump(mode="json")
        session.add(DeploymentRow(id=self.deployment.id, policy=policy, created_at=self.now()))
        session.flush()
        for name, body in self.deployment.files.items():
            session.add(DeploymentFile(deployment_id=self.deployment.id, name=name, content=body.decode()))
        session.flush()


_DEPLOYMENT_STORED = select(DeploymentRow.id).where(DeploymentRow.id == bindparam("id"))  # built once


def policy_missing_message(day: date) -> str:
    """What an applicant and the bureau are told when no deployed policy version covers ``day``."""
    return (
        f"{day.isoformat()} 没有生效的补贴政策版本（已部署的各版本的有效期均不包含这一天），暂不能受理申请："
        "请流程负责人用 `subsidyflow deploy … --effective-from` 部署覆盖该日期的版本后再提交"
    )


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
