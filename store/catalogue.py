"""Catalogue look-ups behind the domain's ports: institutions, published projects, training records, users."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.vocab import InstitutionStatus, Level
from store.tables import CaseRow, Institution, Project, RosterEntry, TrainingRecord, UserRow

# Statuses of a case whose trainees no longer count as trained (not "passed the opening review").
_NOT_TRAINED = ("rejected", "cancelled")


class DbCatalogue:
    """domain.opening.Catalogue over the institution and project tables."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def institution_status(self, name: str) -> InstitutionStatus | None:
        """The institution's catalogue status, None when unknown."""
        row = self.session.exec(select(Institution).where(Institution.name == name)).first()
        return InstitutionStatus(row.status) if row else None

    def is_published(self, occupation: str, level: Level) -> bool:
        """Whether occupation + level is a published subsidised project (003 (三))."""
        stmt = select(Project.id).where(Project.occupation == occupation, Project.level == str(level))
        return self.session.exec(stmt).first() is not None


class DbTrainingRegistry:
    """domain.opening.TrainingRegistry: training records plus approved cases' rosters."""

    def __init__(self, session: Session, *, excluding_case: int | None = None) -> None:
        self.session = session
        self.excluding_case = excluding_case

    def _roster_cases(self, id_number: str) -> list[CaseRow]:
        stmt = (
            select(CaseRow)
            .join(RosterEntry, col(RosterEntry.case_id) == col(CaseRow.id))
            .where(RosterEntry.id_number == id_number)
            .where(col(CaseRow.opening_approved).is_(True))
            .where(col(CaseRow.status).not_in(_NOT_TRAINED))
        )
        if self.excluding_case is not None:
            stmt = stmt.where(CaseRow.id != self.excluding_case)
        return list(self.session.exec(stmt))

    def trained_in_year(self, id_number: str, year: int) -> bool:
        """002: subsidy once a person a year; 004: 学员年度内不得重复培训."""
        stmt = (
            select(func.count())
            .select_from(TrainingRecord)
            .where(TrainingRecord.id_number == id_number, TrainingRecord.year == year)
        )
        if self.session.exec(stmt).one() > 0:
            return True
        return any(c.start_date.year == year for c in self._roster_cases(id_number))

    def trained_in_occupation(self, id_number: str, occupation: str) -> bool:
        """000: no repeat of the same occupation (policy forbid_repeat_occupation)."""
        stmt = (
            select(func.count())
            .select_from(TrainingRecord)
            .where(TrainingRecord.id_number == id_number, TrainingRecord.occupation == occupation)
        )
        if self.session.exec(stmt).one() > 0:
            return True
        return any(c.occupation == occupation for c in self._roster_cases(id_number))


def set_institution_status(
    session: Session, name: str, status: InstitutionStatus, reason: str, at: datetime
) -> None:
    """Change an institution's catalogue status (suspension, black-listing)."""
    row = session.exec(select(Institution).where(Institution.name == name)).first()
    if row is None:
        row = Institution(name=name, status=status.value)
    row.status = status.value
    row.status_reason = reason
    row.updated_at = at
    session.add(row)


def add_institutions(session: Session, items: Iterable[tuple[str, InstitutionStatus]]) -> None:
    """Add institutions, or set the status of ones already there."""
    for name, status in items:
        row = session.exec(select(Institution).where(Institution.name == name)).first()
        if row is None:
            session.add(Institution(name=name, status=status.value))
        else:
            row.status = status.value
            session.add(row)


def add_projects(session: Session, items: Iterable[tuple[str, str]]) -> None:
    """Publish projects (occupation, level); already published ones are kept."""
    existing = {(p.occupation, p.level) for p in session.exec(select(Project))}
    for occupation, level in items:
        if (occupation, level) not in existing:
            session.add(Project(occupation=occupation, level=level))
            existing.add((occupation, level))


def add_training_records(session: Session, items: Iterable[tuple[str, int, str]]) -> None:
    """Record earlier subsidised trainings (id_number, year, occupation)."""
    for id_number, year, occupation in items:
        session.add(TrainingRecord(id_number=id_number, year=year, occupation=occupation, source="fixture"))


def ensure_user(session: Session, username: str, role: str | None = None) -> UserRow:
    """The user, created on first use; ``role`` is added to their roles."""
    row = session.exec(select(UserRow).where(UserRow.username == username)).first()
    if row is None:
        row = UserRow(username=username, roles=[])
    if role and role not in row.roles:
        row.roles = [*row.roles, role]
    session.add(row)
    session.flush()
    return row
