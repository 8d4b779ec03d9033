"""Catalogue look-ups behind the domain's ports: institutions, published projects, training records, users."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from domain.applicant import normalize_credit_code
from domain.idnumber import normalize_id_number
from domain.vocab import InstitutionStatus, Level
from store import personal
from store.reads import read_rows
from store.tables import CaseRow, Enterprise, Institution, Project, RosterEntry, TrainingRecord, UserRow

# Statuses of a case whose trainees no longer count as trained (not "passed the opening review").
_NOT_TRAINED = ("rejected", "cancelled")
# 002 lifetime cap (contract v2): a stopped case gives its subsidy back too.
_NOT_SUBSIDISED = "stopped"


class DbCatalogue:
    """domain.opening.Catalogue over the institution and project tables."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def institution_status(self, name: str) -> InstitutionStatus | None:
        """The institution's catalogue status, None when unknown."""
        row = read_rows(self.session, _INSTITUTION_STATUS, {"name": name}).first()
        return InstitutionStatus(row[0]) if row else None

    def is_published(self, occupation: str, level: Level) -> bool:
        """Whether occupation + level is a published subsidised project (003 (三))."""
        params = {"occupation": occupation, "level": str(level)}
        return read_rows(self.session, _PUBLISHED, params).first() is not None

    def enterprise_status(self, credit_code: str) -> InstitutionStatus | None:
        """The status of the enterprise with this credit code, None when it is not listed."""
        row = read_rows(self.session, _ENTERPRISE_STATUS, {"code": credit_code}).first()
        return InstitutionStatus(row[0]) if row else None


# Column reads built once: every opening application asks them.
_INSTITUTION_STATUS = select(Institution.status).where(Institution.name == bindparam("name"))
_PUBLISHED = select(Project.id).where(
    Project.occupation == bindparam("occupation"), Project.level == bindparam("level")
)
_ENTERPRISE_STATUS = select(Enterprise.status).where(Enterprise.credit_code == bindparam("code"))


# Built once (an opening application's two registry reads, with a roster's references expanded).
_RECORDS_OF = select(TrainingRecord.ref, TrainingRecord.year, TrainingRecord.occupation).where(
    col(TrainingRecord.ref).in_(bindparam("refs", expanding=True))
)
_ROSTERS_OF = (
    select(col(RosterEntry.ref), col(CaseRow.start_date), col(CaseRow.occupation), col(CaseRow.status))
    .join(CaseRow, col(RosterEntry.case_id) == col(CaseRow.id))
    .where(col(RosterEntry.ref).in_(bindparam("refs", expanding=True)))
    .where(col(CaseRow.opening_approved).is_(True))
    .where(col(CaseRow.status).not_in(_NOT_TRAINED))
)
_ROSTERS_OF_OTHERS = _ROSTERS_OF.where(col(CaseRow.id) != bindparam("case_id"))


class DbTrainingRegistry:
    """domain.opening.TrainingRegistry: training records plus approved cases' rosters.

    ``prefetch`` loads what a whole roster needs in two queries; without it each look-up queries.
    """

    def __init__(self, session: Session, *, excluding_case: int | None = None) -> None:
        self.session = session
        self.excluding_case = excluding_case
        self._known: dict[str, list[tuple[int, str, bool]]] | None = None

    def prefetch(self, id_numbers: Iterable[str]) -> None:
        """Load the (year, occupation, subsidised) history of every given person at once.

        Looked up by the salted reference of each number (store/personal.py), never by the number.
        """
        ids = sorted(set(id_numbers))
        known: dict[str, list[tuple[int, str, bool]]] = {i: [] for i in ids}
        by_ref: dict[str, list[str]] = {}  # one person may be asked for as written and as normalised
        for i in ids:
            by_ref.setdefault(personal.ref_of(self.session, "id_number", i), []).append(i)
        refs = sorted(by_ref)
        for row in read_rows(self.session, _RECORDS_OF, {"refs": refs}):
            for i in by_ref[str(row.ref)]:
                known[i].append((row.year, row.occupation, True))
        roster = _ROSTERS_OF if self.excluding_case is None else _ROSTERS_OF_OTHERS
        params = {"refs": refs, "case_id": self.excluding_case}
        for row in read_rows(self.session, roster, params):
            for i in by_ref[str(row.ref)]:
                known[i].append((row.start_date.year, row.occupation, row.status != _NOT_SUBSIDISED))
        self._known = known

    def _history(self, id_number: str) -> list[tuple[int, str, bool]]:
        if self._known is None or id_number not in self._known:
            self.prefetch([id_number, *(self._known or {})])
        assert self._known is not None  # noqa: S101 - just loaded
        return self._known[id_number]

    def trained_in_year(self, id_number: str, year: int) -> bool:
        """002: subsidy once a person a year; 004: 学员年度内不得重复培训."""
        return any(y == year for y, _, _ in self._history(id_number))

    def trained_in_occupation(self, id_number: str, occupation: str) -> bool:
        """000: no repeat of the same occupation (policy forbid_repeat_occupation)."""
        return any(o == occupation for _, o, _ in self._history(id_number))

    def subsidies_count(self, id_number: str) -> int:
        """002: 6次培训补贴 — records plus other approved cases not rejected, cancelled or stopped, any year."""
        return sum(subsidised for _, _, subsidised in self._history(id_number))


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
        number = normalize_id_number(id_number)
        ref = personal.ref_of(session, "id_number", number)
        session.add(
            TrainingRecord(id_number=number, year=year, occupation=occupation, source="fixture", ref=ref)
        )


def add_enterprises(session: Session, items: Iterable[tuple[str, str, InstitutionStatus]]) -> None:
    """Add enterprises (name, credit code, status), or update the one with that credit code."""
    for name, credit_code, status in items:
        code = normalize_credit_code(credit_code)
        row = session.exec(select(Enterprise).where(Enterprise.credit_code == code)).first()
        if row is None:
            row = Enterprise(credit_code=code, name=name, status=status.value)
        row.name, row.status = name, status.value
        session.add(row)
        session.flush()


_USER_NAMED = select(UserRow).where(UserRow.username == bindparam("username"))  # built once
_ROLES_OF = select(UserRow.roles).where(UserRow.username == bindparam("username"))


def roles_of(session: Session, username: str) -> list[str]:
    """The roles a user holds; a user seen for the first time is created, holding none (``ensure_user``).

    Every command asks this of its actor: a column read, not an ORM load, for a user already there.
    """
    found = read_rows(session, _ROLES_OF, {"username": username}).first()
    if found is None:
        return list(ensure_user(session, username).roles)
    return list(found[0])


def ensure_user(session: Session, username: str, role: str | None = None) -> UserRow:
    """The user, created on first use; ``role`` is added to their roles."""
    row = session.exec(_USER_NAMED, params={"username": username}).first()
    if row is None:
        row = UserRow(username=username, roles=[])
    if role and role not in row.roles:
        row.roles = [*row.roles, role]
    session.add(row)
    session.flush()
    return row
