"""Fakes at the domain's ports (TrainingRegistry, Catalogue, PlanBook) and a roster helper for the domain tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.idnumber import IdentityGenerator
from domain.plan import PlanLine, PlannedClass
from domain.policy import Policy
from domain.records import Trainee
from domain.vocab import InstitutionStatus, Level

INSTITUTION = "济源技师学院"
START = date(2026, 11, 16)  # the start date of the domain tests' class (conftest make_app)


@dataclass
class FakeRegistry:
    """Earlier subsidised training: (id, year) and (id, occupation) pairs."""

    years: set[tuple[str, int]] = field(default_factory=set)
    occupations: set[tuple[str, str]] = field(default_factory=set)
    subsidies: dict[str, int] = field(default_factory=dict)

    def trained_in_year(self, id_number: str, year: int) -> bool:
        """Whether the person had a class in ``year``."""
        return (id_number, year) in self.years

    def trained_in_occupation(self, id_number: str, occupation: str) -> bool:
        """Whether the person had a class of ``occupation``."""
        return (id_number, occupation) in self.occupations

    def subsidies_count(self, id_number: str) -> int:
        """Subsidised classes of the person, any year."""
        return self.subsidies.get(id_number, 0)


@dataclass
class FakeCatalogue:
    """Institutions with a status and the published (occupation, level) projects."""

    institutions: dict[str, InstitutionStatus] = field(
        default_factory=lambda: {INSTITUTION: InstitutionStatus.ACTIVE}
    )
    projects: set[tuple[str, Level]] = field(
        default_factory=lambda: {(o, lv) for o in ("焊工", "钳工") for lv in Level}
    )

    enterprises: dict[str, InstitutionStatus] = field(default_factory=dict)

    def institution_status(self, name: str) -> InstitutionStatus | None:
        """The institution's status or None."""
        return self.institutions.get(name)

    def enterprise_status(self, credit_code: str) -> InstitutionStatus | None:
        """The listed enterprise's status or None."""
        return self.enterprises.get(credit_code)

    def is_published(self, occupation: str, level: Level) -> bool:
        """Whether the project is published."""
        return (occupation, level) in self.projects


@dataclass
class FakePlanBook:
    """Plan lines and the other live classes, as given."""

    lines: list[PlanLine] = field(default_factory=list)
    classes: list[tuple[str, int, PlannedClass]] = field(default_factory=list)

    def plan_lines(self, institution: str, year: int) -> Sequence[PlanLine]:
        """The lines of the institution's year."""
        return [x for x in self.lines if x.institution == institution and x.year == year]

    def other_classes(self, institution: str, year: int) -> Sequence[PlannedClass]:
        """The other classes of the institution's year."""
        return [c for name, y, c in self.classes if name == institution and y == year]


def roster(n: int, seed: str = "tests", on: date = START, filed: date | None = None) -> tuple[Trainee, ...]:
    """``n`` valid, unique trainees, eligible by age on ``on`` under the default policy (born by ``filed``)."""
    return tuple(IdentityGenerator(seed).trainees(n, on=on, limits=Policy().age_limits, today=filed))
