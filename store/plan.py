"""The year's training plan in the database (004 attachment 1: 培训计划表, 任务分配) and progress against it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from domain.plan import PlanLine, PlannedClass, used
from store.tables import CaseRow, PlanLineRow

# A rejected, cancelled or stopped class gives its places back (contract v2).
_GIVEN_BACK = ("rejected", "cancelled", "stopped")


def add_plan_lines(session: Session, lines: Iterable[PlanLine]) -> None:
    """Load plan lines (a bureau's yearly allocation); a line for the same year, institution and type is replaced."""
    for line in lines:
        stmt = select(PlanLineRow).where(
            PlanLineRow.year == line.year,
            PlanLineRow.institution == line.institution,
            col(PlanLineRow.project_type).is_(None)
            if line.project_type is None
            else PlanLineRow.project_type == line.project_type,
        )
        row = session.exec(stmt).first() or PlanLineRow(
            year=line.year, institution=line.institution, project_type=line.project_type, quota=line.quota
        )
        row.quota = line.quota
        session.add(row)
        session.flush()


def _line(row: PlanLineRow) -> PlanLine:
    return PlanLine(
        year=row.year, institution=row.institution, quota=row.quota, project_type=row.project_type
    )


def _live_classes(
    session: Session, institution: str, year: int, *, excluding_case: int | None = None
) -> list[PlannedClass]:
    stmt = (
        select(CaseRow.project_type, CaseRow.planned_count)
        .where(CaseRow.institution == institution)
        .where(col(CaseRow.start_date) >= date(year, 1, 1), col(CaseRow.start_date) < date(year + 1, 1, 1))
        .where(col(CaseRow.status).not_in(_GIVEN_BACK))
    )
    if excluding_case is not None:
        stmt = stmt.where(CaseRow.id != excluding_case)
    return [PlannedClass(project_type, count) for project_type, count in session.exec(stmt)]


class DbPlanBook:
    """domain.plan.PlanBook over the plan lines and the cases (the case being corrected left out)."""

    def __init__(self, session: Session, *, excluding_case: int | None = None) -> None:
        self.session = session
        self.excluding_case = excluding_case

    def plan_lines(self, institution: str, year: int) -> Sequence[PlanLine]:
        """The plan lines of ``institution`` for ``year``."""
        stmt = select(PlanLineRow).where(PlanLineRow.institution == institution, PlanLineRow.year == year)
        return [_line(row) for row in self.session.exec(stmt.order_by(col(PlanLineRow.id)))]

    def other_classes(self, institution: str, year: int) -> Sequence[PlannedClass]:
        """Every other case of ``institution`` starting in ``year`` not rejected, cancelled or stopped."""
        return _live_classes(self.session, institution, year, excluding_case=self.excluding_case)


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """One plan line with the trainees its institution's live classes take from it (004 三(一) monthly report)."""

    line: PlanLine
    used: int

    @property
    def remaining(self) -> int:
        """Places left on the line (negative when overrun, e.g. after a quota was lowered)."""
        return self.line.quota - self.used


def plan_progress(session: Session, year: int, institution: str | None = None) -> list[PlanProgress]:
    """Progress against the plan of ``year`` by institution and project type (one institution when given)."""
    stmt = select(PlanLineRow).where(PlanLineRow.year == year)
    if institution is not None:
        stmt = stmt.where(PlanLineRow.institution == institution)
    rows = session.exec(stmt.order_by(col(PlanLineRow.institution), col(PlanLineRow.id))).all()
    classes: dict[str, list[PlannedClass]] = {}
    out: list[PlanProgress] = []
    for row in rows:
        line = _line(row)
        if line.institution not in classes:
            classes[line.institution] = _live_classes(session, line.institution, year)
        out.append(PlanProgress(line, used(line, classes[line.institution])))
    return out
