"""取证总人数 (004 attachment 2): certified_total between the largest kind and the sum, within the opening count."""

from __future__ import annotations

import pytest

from domain.headcount import check_certified_total, eligible_count
from domain.records import AssessmentResult, KindResult
from domain.vocab import AssessmentKind

TWO = (
    KindResult(AssessmentKind.SKILL_LEVEL, participants=40, certified=30),
    KindResult(AssessmentKind.SPECIAL_OPERATION, participants=20, certified=18),
)


def codes(
    total: int | None, results: tuple[KindResult, ...] = TWO, opening: int = 40
) -> list[tuple[str, str | None]]:
    """(code, field) of the certified_total check."""
    return [(v.code.value, v.field) for v in check_certified_total(results, total, opening)]


@pytest.mark.parametrize("total", [30, 35, 40])
def test_between_the_largest_kind_and_the_sum_within_the_class(total: int) -> None:
    """004 attachment 2: max(certified) ≤ certified_total ≤ sum(certified) and ≤ opening_count."""
    assert codes(total) == []


@pytest.mark.parametrize("total", [29, 49, -1])
def test_outside_the_range_is_inconsistent(total: int) -> None:
    """One below the largest kind, or one above the sum: counts_inconsistent on certified_total."""
    expected = "invalid_field" if total < 0 else "counts_inconsistent"
    assert codes(total) == [(expected, "certified_total")]


def test_above_the_opening_count_is_inconsistent() -> None:
    """certified_total ≤ opening_count (48 is within the sum but the class had 45)."""
    assert codes(46, opening=45) == [("counts_inconsistent", "certified_total")]
    assert codes(45, opening=45) == []


def test_required_with_two_kinds_optional_with_one() -> None:
    """Missing with more than one result → invalid_field; with one it defaults to that kind's figure."""
    assert codes(None) == [("invalid_field", "certified_total")]
    assert codes(None, TWO[:1]) == []
    single = AssessmentResult(results=TWO[:1], satisfaction_pct=96.0)
    assert single.certified == 30
    both = AssessmentResult(results=TWO, satisfaction_pct=96.0, certified_total=35)
    assert (both.certified, both.certified_sum) == (35, 48)


def test_eligible_uses_the_persons_not_the_certificates() -> None:
    """eligible = min(claimed_count, certified_total, attendance_base): example-v2 05 gives 35."""
    both = AssessmentResult(results=TWO, satisfaction_pct=96.0, certified_total=35)
    assert eligible_count(40, both.certified, 40) == 35
