"""The year's training plan and its quotas (004 attachment 1: 培训计划表, 任务分配)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.errors import ErrorCode, Violation
from domain.records import OpeningApplication


@dataclass(frozen=True, slots=True)
class PlanLine:
    """Trainees allocated to an institution (or enterprise, by name) for a year, optionally for one project type."""

    year: int
    institution: str
    quota: int
    project_type: str | None = None

    def matches(self, project_type: str | None) -> bool:
        """An untyped line takes every class; a typed one only classes of its type (none: untyped only)."""
        return self.project_type is None or self.project_type == project_type


@dataclass(frozen=True, slots=True)
class PlannedClass:
    """A class counted against the plan: its project type and latest planned count."""

    project_type: str | None
    planned_count: int


class PlanBook(Protocol):
    """The plan lines of an institution's year and its other classes that still count against them."""

    def plan_lines(self, institution: str, year: int) -> Sequence[PlanLine]:
        """The plan lines of ``institution`` for ``year``."""
        ...

    def other_classes(self, institution: str, year: int) -> Sequence[PlannedClass]:
        """Every other case of ``institution`` starting in ``year`` not rejected, cancelled or stopped."""
        ...


def used(line: PlanLine, classes: Iterable[PlannedClass]) -> int:
    """Trainees the given classes take from the line (each class counted once, with its latest count)."""
    return sum(c.planned_count for c in classes if line.matches(c.project_type))


def check_quota(app: OpeningApplication, book: PlanBook) -> list[Violation]:
    """quota_exceeded for every plan line of the application's year and institution it would overrun."""
    # 004 attachment 1: 培训计划表, 任务分配 — a class counts against its institution's allocation;
    # a rejected, cancelled or stopped class gives its places back (LIFECYCLE.md, version 2)
    year = app.start_date.year
    lines = [line for line in book.plan_lines(app.institution, year) if line.matches(app.project_type)]
    if not lines:
        return []
    this = PlannedClass(app.project_type, app.planned_count)
    classes = [*book.other_classes(app.institution, year), this]
    found: list[Violation] = []
    for line in lines:
        total = used(line, classes)
        if total <= line.quota:
            continue
        kind = f"“{line.project_type}”" if line.project_type else ""
        text = (
            f"“{app.institution}” {year} 年{kind}培训计划任务为 {line.quota} 人，连同本班 {app.planned_count} 人"
            f"已申报 {total} 人，超出 {total - line.quota} 人，请减少计划人数或申请调整年度计划"
        )
        found.append(Violation(ErrorCode.QUOTA_EXCEEDED, "planned_count", text))
    return found
