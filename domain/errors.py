"""Violations of the lifecycle's rules, with the closed error codes of the scenario contract."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """The closed set of refusal codes (scenarios/README.md, "error codes")."""

    INVALID_FIELD = "invalid_field"
    ID_NUMBER_INVALID = "id_number_invalid"
    DUPLICATE_IN_ROSTER = "duplicate_in_roster"
    TRAINED_THIS_YEAR = "trained_this_year"
    CLASS_TOO_LARGE = "class_too_large"
    ROSTER_MISMATCH = "roster_mismatch"
    PRACTICAL_SHARE_LOW = "practical_share_low"
    DURATION_TOO_LONG = "duration_too_long"
    REPEAT_OCCUPATION = "repeat_occupation"
    TOO_LATE = "too_late"
    INSTITUTION_BLOCKED = "institution_blocked"
    PROJECT_UNPUBLISHED = "project_unpublished"
    FOUR_EYES = "four_eyes"
    FORBIDDEN = "forbidden"
    NO_SUCH_TASK = "no_such_task"
    COUNTS_INCONSISTENT = "counts_inconsistent"
    COMMITMENT_REQUIRED = "commitment_required"
    CALENDAR_MISSING = "calendar_missing"
    # Additions, version 2
    TRAINEE_INELIGIBLE = "trainee_ineligible"
    QUOTA_EXCEEDED = "quota_exceeded"
    SUBSIDY_CAP_REACHED = "subsidy_cap_reached"
    CONFLICT = "conflict"
    # Beyond the contract: a case whose stored history fails its integrity check (never acted on)
    INTEGRITY = "integrity"
    # Beyond the contract: an application on a day no deployed policy version covers (never in a scenario run)
    POLICY_MISSING = "policy_missing"


@dataclass(frozen=True, slots=True)
class Violation:
    """One refused field: code, field path (``roster[3].id_number``) or None, plain Chinese message."""

    code: ErrorCode
    field: str | None
    message: str

    def as_dict(self) -> dict[str, str | None]:
        """The contract's error object."""
        return {"code": self.code.value, "field": self.field, "message": self.message}


class Refused(Exception):
    """A command refused by one or more rules; ``violations`` are in form order."""

    def __init__(self, violations: list[Violation] | tuple[Violation, ...]) -> None:
        if not violations:
            raise ValueError("Refused needs at least one violation")
        self.violations = tuple(violations)
        super().__init__("; ".join(f"{v.code}: {v.message}" for v in self.violations))

    @property
    def first(self) -> Violation:
        """The first violation in form order (the result's ``error``)."""
        return self.violations[0]
