"""Headcount rules pinned exactly: boundaries of 004 (三)2 and attachment 2, and the Chinese messages word for word.

Written against the mutants that survived the earlier suite (mutmut, issue 7): each test fails on a slip
that changes what a bureau pays or what a user reads.
"""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, Violation
from domain.headcount import (
    attendance_base,
    check_assessment_result,
    check_certified_total,
    check_claim,
    check_opening_day,
    check_spot_check,
)
from domain.records import KindResult
from domain.vocab import AssessmentKind

QUAL = AssessmentKind.QUALIFICATION
DONE = AssessmentKind.COMPLETION
INVALID = ErrorCode.INVALID_FIELD
INCONSISTENT = ErrorCode.COUNTS_INCONSISTENT


@pytest.mark.parametrize(
    ("opening", "spots", "base"),
    [
        (1000, [899], 899),  # 89.9 %: below 90 %, paid on the mean, never on the opening count
        (100, [90, 89], 89),  # mean 89.5 % → rounded down
        (1000, [900], 1000),  # exactly 90 % keeps the opening count
        (100, [], 100),  # no spot check: the opening count
    ],
)
def test_004_3_2_spot_check_mean_between_89_and_90_percent_is_paid_on_the_mean(
    opening: int, spots: list[int], base: int
) -> None:
    """004 (三)2: 抽查平均人数低于开班人数 90% 的，按平均人数核拨 — 89.1–89.9 % is below 90 %."""
    assert attendance_base(opening, spots, 90) == base


def test_zero_counts_are_not_negative() -> None:
    """A count of 0 is a count (nobody came, nobody certified), never refused as negative."""
    assert check_opening_day(0, 10) == []
    assert check_spot_check(0, 10) == []
    assert check_claim(0, True, 10) == []
    assert check_assessment_result([KindResult(QUAL, 0, 0)], 10) == []
    assert check_certified_total([KindResult(QUAL, 0, 0), KindResult(DONE, 0, 0)], 0, 10) == []


def test_negative_counts_are_refused_naming_the_field_in_chinese() -> None:
    """Every count names its field and says 不能为负数."""
    assert check_opening_day(-1, 10) == [Violation(INVALID, "actual_count", "实到人数不能为负数，请更正")]
    assert check_spot_check(-1, 10) == [Violation(INVALID, "attendance", "抽查在训人数不能为负数，请更正")]
    assert check_claim(-1, True, 10) == [Violation(INVALID, "claimed_count", "申领人数不能为负数，请更正")]
    assert check_assessment_result([KindResult(QUAL, -2, -3)], 10) == [
        Violation(INVALID, "results[0].participants", "参加考核人数不能为负数，请更正"),
        Violation(INVALID, "results[0].certified", "取证人数不能为负数，请更正"),
    ]
    assert check_certified_total([KindResult(QUAL, 1, 1), KindResult(DONE, 1, 1)], -1, 10) == [
        Violation(INVALID, "certified_total", "取证总人数不能为负数，请更正")
    ]


def test_counts_above_their_bound_are_inconsistent_with_the_message() -> None:
    """实到 ≤ 计划, 抽查 ≤ 开班, 申领 ≤ 开班; equal is fine."""
    assert check_opening_day(10, 10) == []
    assert check_opening_day(11, 10) == [
        Violation(INCONSISTENT, "actual_count", "实到人数 11 多于计划培训人数 10，请核对签到记录")
    ]
    assert check_spot_check(10, 10) == []
    assert check_spot_check(11, 10) == [
        Violation(INCONSISTENT, "attendance", "抽查在训人数 11 多于开班人数 10，请核对")
    ]
    assert check_claim(10, True, 10) == []
    assert check_claim(11, False, 10) == [
        Violation(INCONSISTENT, "claimed_count", "申领人数 11 多于开班人数 10，请核对"),
        Violation(
            ErrorCode.COMMITMENT_REQUIRED,
            "commitment",
            "请阅读并勾选承诺：所报材料真实有效，如有虚假愿承担相应责任",
        ),
    ]


def test_assessment_results_100_percent_certified_is_not_flagged() -> None:
    """004 (三)3: everyone who sat the assessment may be certified (取证人数 = 参加考核人数)."""
    assert check_assessment_result([KindResult(QUAL, 10, 10)], 10) == []


def test_assessment_results_inconsistent_counts_named_per_kind() -> None:
    """参加考核 ≤ 开班 and 取证 ≤ 参加考核, each named by kind and index."""
    assert check_assessment_result([KindResult(QUAL, 5, 5), KindResult(DONE, 11, 12)], 10) == [
        Violation(INCONSISTENT, "results[1].participants", "结业考核参加考核人数 11 多于开班人数 10，请核对"),
        Violation(INCONSISTENT, "results[1].certified", "结业考核取证人数 12 多于参加考核人数 11，请核对"),
    ]


@pytest.mark.parametrize("pct", [0, 100, 0.0, 99.5])
def test_satisfaction_0_and_100_percent_are_percentages(pct: float) -> None:
    """004 三(三) 满意度 is a percentage: 0 and 100 are inside the range."""
    assert check_assessment_result([], 10, satisfaction_pct=pct) == []


@pytest.mark.parametrize("pct", [-1, 100.5, 101])
def test_satisfaction_outside_0_100_is_refused(pct: float) -> None:
    """Outside 0–100 the message gives the value and the range."""
    assert check_assessment_result([], 10, satisfaction_pct=pct) == [
        Violation(INVALID, "satisfaction_pct", f"满意度 {pct} 应在0到100之间（百分比），请更正")
    ]


def test_certified_total_required_only_with_several_kinds() -> None:
    """004 attachment 2: with two kinds 取证总人数 must be given; with one it is that kind's count."""
    assert check_certified_total([KindResult(QUAL, 3, 3)], None, 10) == []
    assert check_certified_total([], None, 10) == []
    assert check_certified_total([KindResult(QUAL, 3, 3), KindResult(DONE, 3, 2)], None, 10) == [
        Violation(
            INVALID,
            "certified_total",
            "有多个考核类别时须填写取证总人数（取得至少一个证书的学员人数，同一人只计一次），请填写",
        )
    ]


def test_certified_total_without_results_may_be_zero() -> None:
    """No results: the largest kind count is 0, so 0 certified is consistent."""
    assert check_certified_total([], 0, 10) == []


def test_certified_total_between_the_largest_kind_and_the_sum_inclusive() -> None:
    """004 attachment 2: a person with two certificates counts once: max ≤ total ≤ sum, both ends allowed."""
    results = [KindResult(QUAL, 5, 3), KindResult(DONE, 5, 2)]
    assert check_certified_total(results, 3, 10) == []
    assert check_certified_total(results, 5, 10) == []
    message = "取证总人数 6 应在各类别取证人数的最大值 3 与合计 5 之间（同一人取得多个证书只计一次），请核对"
    assert check_certified_total(results, 6, 10) == [Violation(INCONSISTENT, "certified_total", message)]
    low = "取证总人数 2 应在各类别取证人数的最大值 3 与合计 5 之间（同一人取得多个证书只计一次），请核对"
    assert check_certified_total(results, 2, 10) == [Violation(INCONSISTENT, "certified_total", low)]


def test_certified_total_above_the_opening_count() -> None:
    """取证总人数 can never exceed the trainees of the class; equal to it is fine."""
    results = [KindResult(QUAL, 5, 5), KindResult(DONE, 5, 5)]
    assert check_certified_total(results, 5, 5) == []
    assert check_certified_total(results, 6, 5) == [
        Violation(INCONSISTENT, "certified_total", "取证总人数 6 多于开班人数 5，请核对")
    ]


def test_a_certified_total_of_zero_is_checked_against_the_kinds() -> None:
    """004 attachment 2 (取证总人数): 0 is not negative, yet below the largest kind's count it is inconsistent."""
    assert check_certified_total([KindResult(QUAL, 3, 2), KindResult(DONE, 3, 1)], 0, 10) == [
        Violation(
            ErrorCode.COUNTS_INCONSISTENT,
            "certified_total",
            "取证总人数 0 应在各类别取证人数的最大值 2 与合计 3 之间（同一人取得多个证书只计一次），请核对",
        )
    ]
