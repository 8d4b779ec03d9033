"""The year's training plan in the database (004 attachment 1: 培训计划表, 任务分配) and progress against it.

A bureau loads its plan from a table (年度, 培训机构 or 企业, optional 项目类型, 计划人数): all or nothing,
every problem named by row and column; a line of the same year, institution and type as one already
loaded replaces its quota, so loading the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from domain.plan import PlanLine, PlannedClass, used
from forms.roster_file import RosterRowError, TableColumn, TableRow, TableUnreadable, read_table, table_rows
from store.reads import read_rows
from store.tables import CaseRow, PlanLineRow

# A rejected, cancelled or stopped class gives its places back (contract v2).
_GIVEN_BACK = ("rejected", "cancelled", "stopped")

PLAN_COLUMNS = (
    TableColumn("year", ("年度", "计划年度", "year")),
    TableColumn(
        "institution",
        (
            "培训机构",
            "企业",
            "培训机构(企业)",
            "培训机构（企业）",
            "培训机构/企业",
            "承训机构",
            "institution",
        ),
    ),
    TableColumn("project_type", ("项目类型", "培训类型", "project_type"), required=False),
    TableColumn("quota", ("计划人数", "计划培训人数", "任务人数", "quota")),
)
_NAME_MAX = 200  # plan_line.institution
_TYPE_MAX = 50  # plan_line.project_type
_QUOTA_MAX = 1_000_000  # a yearly allocation of one institution, in trainees
_YEARS = range(2000, 2201)
Progress = Callable[[int, int | None], None]  # (rows read, rows in the file if known)
LineKey = tuple[int, str, str | None]  # year, institution, project type


@dataclass(frozen=True, slots=True)
class PlanLoad:
    """What loading a plan did: lines new, lines whose quota changed, lines already so; or the problems."""

    rows: int
    added: int
    changed: int
    unchanged: int
    errors: tuple[RosterRowError, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file was read without problems (and so written)."""
        return not self.errors


def add_plan_lines(session: Session, lines: Iterable[PlanLine]) -> PlanLoad:
    """Load plan lines (a bureau's yearly allocation); a line for the same year, institution and type is replaced."""
    added = changed = unchanged = rows = 0
    for line in lines:
        rows += 1
        stmt = select(PlanLineRow).where(
            PlanLineRow.year == line.year,
            PlanLineRow.institution == line.institution,
            col(PlanLineRow.project_type).is_(None)
            if line.project_type is None
            else PlanLineRow.project_type == line.project_type,
        )
        row = session.exec(stmt).first()
        if row is None:
            added += 1
            row = PlanLineRow(
                year=line.year, institution=line.institution, project_type=line.project_type, quota=line.quota
            )
        elif row.quota == line.quota:
            unchanged += 1
        else:
            changed += 1
        row.quota = line.quota
        session.add(row)
        session.flush()
    return PlanLoad(rows, added, changed, unchanged)


def _row_line(row: TableRow, headers: dict[str, str]) -> tuple[PlanLine | None, list[RosterRowError]]:
    """The plan line of a data row, or what is wrong with it, each problem by row and column."""
    n = row.number
    errors: list[RosterRowError] = []

    def problem(field: str, message: str) -> None:
        column = headers[field]
        errors.append(RosterRowError(n, field, column, f"第{n}行「{column}」{message}"))

    cells = row.cells
    year_text = cells["year"].removesuffix("年").strip()
    year = int(year_text) if year_text.isascii() and year_text.isdigit() else None
    if year is None or year not in _YEARS:
        problem("year", f"“{cells['year']}”不是年份，请填写4位数字年份，例如 2026")
    institution = cells["institution"]
    if len(institution) > _NAME_MAX:
        problem("institution", f"超过{_NAME_MAX}个字，请填写培训机构或企业的名称")
    project_type = cells["project_type"] or None
    if project_type is not None and len(project_type) > _TYPE_MAX:
        problem("project_type", f"超过{_TYPE_MAX}个字，请填写项目类型，例如 岗前培训、技能提升")
    quota_text = cells["quota"].removesuffix("人").strip()
    quota = int(quota_text) if quota_text.isascii() and quota_text.isdigit() else None
    if quota is None or quota > _QUOTA_MAX:
        problem("quota", f"“{cells['quota']}”不是人数，请填写0或正整数，例如 120")
    if errors or year is None or quota is None:
        return None, errors
    return PlanLine(year, institution, quota, project_type), []


def _check_lines(
    rows: Sequence[TableRow], headers: dict[str, str]
) -> tuple[list[PlanLine], list[RosterRowError]]:
    """The lines of the rows read, and every problem of the rows; one line twice in the file is a problem."""
    lines: list[PlanLine] = []
    errors: list[RosterRowError] = []
    first: dict[LineKey, int] = {}
    for row in rows:
        line, row_errors = _row_line(row, headers)
        errors.extend(row_errors)
        if line is None:
            continue
        key = (line.year, line.institution, line.project_type)
        if key in first:
            column = headers["institution"]
            kind = f"“{line.project_type}”" if line.project_type else "（不分项目类型）"
            text = (
                f"第{row.number}行「{column}」与第{first[key]}行重复：{line.year} 年“{line.institution}”{kind}"
                "只能有一行计划人数，请合并为一行"
            )
            errors.append(RosterRowError(row.number, "institution", column, text))
            continue
        first[key] = row.number
        lines.append(line)
    return lines, errors


def load_plan_file(session: Session, path: Path, *, progress: Progress | None = None) -> PlanLoad:
    """Read ``path`` and put its lines into the session (flushed, not committed: the caller commits).

    Nothing is written when the file has any problem. A line of the same year, institution and project
    type as one already there replaces its quota; other lines of the plan are kept.
    """
    try:
        with table_rows(path) as (rows, total):

            def on_row(number: int) -> None:
                if progress is not None:
                    progress(number - 1, None if total is None else max(total - 1, 0))

            table = read_table(rows, PLAN_COLUMNS, what="培训计划表", item="计划行", on_row=on_row)
    except TableUnreadable as unreadable:
        return PlanLoad(0, 0, 0, 0, (RosterRowError(None, None, None, str(unreadable)),))
    lines, errors = _check_lines(table.rows, table.headers)
    errors = sorted([*table.errors, *errors], key=lambda e: -1 if e.row is None else e.row)
    unread = {e.row for e in table.errors if e.row is not None and e.row > 1}
    if errors:
        return PlanLoad(len(table.rows) + len(unread), 0, 0, 0, tuple(errors))
    return add_plan_lines(session, lines)


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


# Built once: every opening application reads its institution's plan lines of the year.
_PLAN_LINES = (
    select(PlanLineRow.year, PlanLineRow.institution, PlanLineRow.quota, PlanLineRow.project_type)
    .where(PlanLineRow.institution == bindparam("institution"), PlanLineRow.year == bindparam("year"))
    .order_by(col(PlanLineRow.id))
)


class DbPlanBook:
    """domain.plan.PlanBook over the plan lines and the cases (the case being corrected left out)."""

    def __init__(self, session: Session, *, excluding_case: int | None = None) -> None:
        self.session = session
        self.excluding_case = excluding_case

    def plan_lines(self, institution: str, year: int) -> Sequence[PlanLine]:
        """The plan lines of ``institution`` for ``year``."""
        rows = read_rows(self.session, _PLAN_LINES, {"institution": institution, "year": year})
        return [
            PlanLine(year=r.year, institution=r.institution, quota=r.quota, project_type=r.project_type)
            for r in rows
        ]

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
