"""Fakes at the domain's ports (TrainingRegistry, Catalogue) and a roster helper for the domain tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.idnumber import IdentityGenerator
from domain.records import Trainee
from domain.vocab import InstitutionStatus, Level

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


def roster(n: int, seed: str = "tests") -> tuple[Trainee, ...]:
    """``n`` valid, unique trainees."""
    return tuple(IdentityGenerator(seed).trainees(n))
