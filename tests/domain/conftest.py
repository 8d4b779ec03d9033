"""Fixtures of the domain tests: the official calendar, default policy, fakes at the ports, a valid application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pytest

from domain.calendar import BusinessCalendar
from domain.idnumber import IdentityGenerator
from domain.policy import Policy
from domain.records import OpeningApplication, Trainee
from domain.vocab import InstitutionStatus, Level, Schedule, TrainingMode

INSTITUTION = "济源技师学院"


@dataclass
class FakeRegistry:
    """Earlier subsidised training: (id, year) and (id, occupation) pairs."""

    years: set[tuple[str, int]] = field(default_factory=set)
    occupations: set[tuple[str, str]] = field(default_factory=set)

    def trained_in_year(self, id_number: str, year: int) -> bool:
        """Whether the person had a class in ``year``."""
        return (id_number, year) in self.years

    def trained_in_occupation(self, id_number: str, occupation: str) -> bool:
        """Whether the person had a class of ``occupation``."""
        return (id_number, occupation) in self.occupations


@dataclass
class FakeCatalogue:
    """Institutions with a status and the published (occupation, level) projects."""

    institutions: dict[str, InstitutionStatus] = field(
        default_factory=lambda: {INSTITUTION: InstitutionStatus.ACTIVE}
    )
    projects: set[tuple[str, Level]] = field(
        default_factory=lambda: {(o, lv) for o in ("焊工", "钳工") for lv in Level}
    )

    def institution_status(self, name: str) -> InstitutionStatus | None:
        """The institution's status or None."""
        return self.institutions.get(name)

    def is_published(self, occupation: str, level: Level) -> bool:
        """Whether the project is published."""
        return (occupation, level) in self.projects


@pytest.fixture(scope="session")
def calendar() -> BusinessCalendar:
    """The official calendar (chinese_calendar, 2004–2026)."""
    return BusinessCalendar()


@pytest.fixture
def policy() -> Policy:
    """The contract's default policy."""
    return Policy()


@pytest.fixture
def registry() -> FakeRegistry:
    """No earlier training."""
    return FakeRegistry()


@pytest.fixture
def catalogue() -> FakeCatalogue:
    """One active institution; 焊工 and 钳工 published at every level."""
    return FakeCatalogue()


def roster(n: int, seed: str = "tests") -> tuple[Trainee, ...]:
    """``n`` valid, unique trainees."""
    return tuple(IdentityGenerator(seed).trainees(n))


@pytest.fixture
def make_app() -> Callable[..., OpeningApplication]:
    """A valid application (example 04's class, filed 2026-11-02) with fields replaced."""

    base = OpeningApplication(
        institution=INSTITUTION,
        contact_name="陈老师",
        contact_phone="13800000001",
        bank_name="中国工商银行济源分行",
        bank_account="6222000000000000001",
        batch="2026-钳工-07",
        start_date=date(2026, 11, 16),
        end_date=date(2026, 12, 25),
        schedule=Schedule.FULL_TIME,
        class_hours=120,
        practical_hours=84,
        occupation="钳工",
        level=Level.INTERMEDIATE,
        planned_count=3,
        mode=TrainingMode.SELF,
        key_group=False,
        roster=roster(3),
        teaching_plan="理论36课时，实操84课时",
    )

    def make(**changes: Any) -> OpeningApplication:
        if "roster" not in changes and "planned_count" in changes:
            changes["roster"] = roster(changes["planned_count"])
        return replace(base, **changes)

    return make
