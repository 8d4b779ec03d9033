"""Opening-day cancellation, spot-check base, eligible count, satisfaction and the counts' consistency."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, Violation
from domain.headcount import (
    attendance_base,
    check_assessment_result,
    check_claim,
    check_opening_day,
    check_spot_check,
    eligible_count,
    is_below_satisfaction,
    is_opening_cancelled,
)
from domain.records import KindResult
from domain.vocab import AssessmentKind


def codes(vs: list[Violation]) -> list[tuple[str, str | None]]:
    """(code, field) pairs."""
    return [(v.code.value, v.field) for v in vs]


@pytest.mark.parametrize(
    ("actual", "planned", "cancelled"),
    [(45, 50, False), (44, 50, True), (900, 1000, False), (899, 1000, True), (36, 40, False), (35, 40, True)],
)
def test_opening_day_90_percent(actual: int, planned: int, cancelled: bool) -> None:
    """004 (三)2: 低于计划申报人数 90% 的取消 — exactly 90 % stays, 89.9 % is cancelled (example 02: 35 of 40)."""
    assert is_opening_cancelled(actual, planned, 90) is cancelled


def test_opening_day_fractional_policy() -> None:
    """A bureau's 89.9 % is exact: 899 of 1000 stays, 898 is cancelled."""
    assert not is_opening_cancelled(899, 1000, 89.9)
    assert is_opening_cancelled(898, 1000, 89.9)


def test_spot_check_base() -> None:
    """004 (三)2: 抽查平均人数低于开班人数 90% 的，按平均人数为基准 (rounded down); otherwise the opening count."""
    assert attendance_base(40, [39, 38], 90) == 40  # example 01
    assert attendance_base(30, [25], 90) == 25  # example 03
    assert attendance_base(30, [27], 90) == 30  # exactly 90 %
    assert attendance_base(30, [26, 27], 90) == 26  # mean 26.5 is below 27: rounded down
    assert attendance_base(40, [], 90) == 40  # no spot check: the opening count


def test_eligible_is_the_least() -> None:
    """eligible = min(claimed, certified, attendance_base)."""
    assert eligible_count(40, 37, 40) == 37
    assert eligible_count(30, 27, 25) == 25
    assert eligible_count(20, 27, 25) == 20


def test_satisfaction_below_85_suspends() -> None:
    """004 三(三): 满意度低于85%的停止培训开班 — 85 passes, 84.9 suspends."""
    assert not is_below_satisfaction(85, 85)
    assert is_below_satisfaction(84.9, 85)
    assert not is_below_satisfaction(96, 85)


def test_opening_day_counts() -> None:
    """More present than planned is inconsistent; negative is invalid."""
    assert check_opening_day(40, 40) == []
    assert codes(check_opening_day(41, 40)) == [("counts_inconsistent", "actual_count")]
    assert codes(check_opening_day(-1, 40)) == [("invalid_field", "actual_count")]


def test_spot_check_counts() -> None:
    """Attendance above the opening count is inconsistent."""
    assert check_spot_check(40, 40) == []
    assert codes(check_spot_check(41, 40)) == [("counts_inconsistent", "attendance")]
    assert codes(check_spot_check(-2, 40)) == [("invalid_field", "attendance")]


def test_assessment_counts() -> None:
    """Certified above participants, participants above the opening count, per result line."""
    ok = KindResult(AssessmentKind.SKILL_LEVEL, 40, 37)
    assert check_assessment_result([ok], 40, satisfaction_pct=96) == []
    found = check_assessment_result(
        [
            ok,
            KindResult(AssessmentKind.COMPLETION, 41, 42),
            KindResult(AssessmentKind.SPECIAL_ABILITY, 5, -1),
        ],
        40,
        satisfaction_pct=101,
    )
    assert codes(found) == [
        ("counts_inconsistent", "results[1].participants"),
        ("counts_inconsistent", "results[1].certified"),
        ("invalid_field", "results[2].certified"),
        ("invalid_field", "satisfaction_pct"),
    ]


def test_claim_counts_and_commitment() -> None:
    """004 (三)4 claim: the commitment must be signed; no more claimed than opened."""
    assert check_claim(40, True, 40) == []
    assert codes(check_claim(41, False, 40)) == [
        ("counts_inconsistent", "claimed_count"),
        ("commitment_required", "commitment"),
    ]
    assert codes(check_claim(-1, True, 40)) == [("invalid_field", "claimed_count")]
    assert check_claim(40, False, 40)[0].code is ErrorCode.COMMITMENT_REQUIRED
