"""Deployment versions: numbered deployments, who made them and why, and the one in force on a day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from store.tables import DeploymentFile, DeploymentRow


@dataclass(frozen=True, slots=True)
class DeploymentVersion:
    """One numbered deployment as the store holds it."""

    id: str
    version: int
    deployed_by: str
    reason: str
    effective_from: date | None
    effective_until: date | None
    created_at: datetime

    def covers(self, day: date) -> bool:
        """The version's effective period includes ``day`` (an open end covers every later day)."""
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_until is None or day <= self.effective_until)


def _version(row: DeploymentRow) -> DeploymentVersion:
    assert row.version is not None  # noqa: S101 - only numbered rows are read here
    return DeploymentVersion(
        row.id, row.version, row.deployed_by or "", row.reason or "",
        row.effective_from, row.effective_until, row.created_at,
    )  # fmt: skip


def versions(session: Session) -> list[DeploymentVersion]:
    """Every numbered deployment, version 1 first."""
    rows = session.exec(
        select(DeploymentRow)
        .where(col(DeploymentRow.version).is_not(None))
        .order_by(col(DeploymentRow.version))
    )
    return [_version(row) for row in rows]


def any_version(session: Session) -> bool:
    """Whether a version was ever deployed (otherwise new cases pin the settings' files)."""
    stmt = select(DeploymentRow.id).where(col(DeploymentRow.version).is_not(None)).limit(1)
    return session.exec(stmt).first() is not None


def by_number(session: Session, number: int) -> DeploymentVersion | None:
    """The deployment numbered ``number``, if there is one."""
    row = session.exec(select(DeploymentRow).where(DeploymentRow.version == number)).first()
    return _version(row) if row is not None else None


def version_of(session: Session, deployment_id: str) -> int | None:
    """The number of deployment ``deployment_id`` (None: not a numbered deployment)."""
    row = session.get(DeploymentRow, deployment_id)
    return row.version if row is not None else None


def in_force(session: Session, day: date) -> DeploymentVersion | None:
    """The version judging an application filed on ``day``: the newest one whose period covers it."""
    for found in reversed(versions(session)):
        if found.covers(day):
            return found
    return None


def add_version(
    session: Session,
    deployment_id: str,
    files: Mapping[str, bytes],
    policy: dict[str, Any],
    *,
    by: str,
    reason: str,
    effective: tuple[date | None, date | None],
    at: datetime,
) -> DeploymentVersion:
    """Store ``files`` as the next version (the row is numbered if the same files were recorded before)."""
    numbers = session.exec(select(DeploymentRow.version).where(col(DeploymentRow.version).is_not(None)))
    number = max((n for n in numbers if n is not None), default=0) + 1
    row = session.get(DeploymentRow, deployment_id)
    if row is not None and row.version is not None:
        raise ValueError(f"这些文件已部署为第 {row.version} 版（{deployment_id[:12]}…），无需重复部署")
    if row is None:
        row = DeploymentRow(id=deployment_id, policy=policy, created_at=at)
        session.add(row)
        session.flush()
        for name, body in sorted(files.items()):
            session.add(DeploymentFile(deployment_id=deployment_id, name=name, content=body.decode()))
    row.version, row.deployed_by, row.reason = number, by, reason
    row.effective_from, row.effective_until = effective
    session.add(row)
    session.flush()
    return _version(row)
