"""Policy parameters (domain/policy.py; scenarios/README.md ``policy:``, policy_default.yaml) pinned exactly:
each bound at its edge, and each refusal's field and Chinese message word for word.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.policy import Policy, PolicyError, load_policy
from domain.vocab import Level


def _refusal(overrides: dict[str, Any]) -> tuple[str | None, str]:
    with pytest.raises(PolicyError) as refused:
        Policy().with_overrides(overrides)
    return refused.value.field, str(refused.value)


@pytest.mark.parametrize(
    ("key", "limit"),
    [("claim_review_days", 250), ("full_time_max_months", 24), ("max_class_size", 200)],
)
def test_a_figure_up_to_its_bound_is_accepted_one_more_is_refused(key: str, limit: int) -> None:
    assert getattr(Policy().with_overrides({key: limit}), key) == limit
    assert _refusal({key: limit + 1}) == (
        key,
        f"策略参数 {key} 不得大于 {limit}，现为 {limit + 1}：请改为合理的数值",
    )


def test_a_figure_without_its_own_bound_is_held_to_the_database_integer() -> None:
    """The value shown is cut to its first 30 characters."""
    huge = 10**40
    assert _refusal({"min_trainee_age": huge}) == (
        "min_trainee_age",
        f"策略参数 min_trainee_age 不得大于 1000000000，现为 {str(huge)[:30]}：请改为合理的数值",
    )


def test_a_standard_up_to_50000_yuan_is_accepted_one_more_is_refused() -> None:
    """003 (十一): standards in 元 per person, within a sane bound."""
    assert (
        Policy().with_overrides({"standards": {"中级工": 50_000}}).standard_yuan(Level.INTERMEDIATE) == 50_000
    )
    assert _refusal({"standards": {"中级工": 50_001}}) == (
        "standards.中级工",
        "策略参数 standards.中级工 不得大于 50000元，现为 50001：请改为合理的数值",
    )


@pytest.mark.parametrize("key", ["effective_from", "effective_until"])
def test_a_validity_date_outside_the_era_is_refused_naming_its_year(key: str) -> None:
    assert _refusal({key: date(2201, 1, 1)}) == (
        key,
        f"策略参数 {key} 的年份 2201 超出合理范围（1900–2200 年）",
    )
    assert getattr(Policy().with_overrides({key: date(2200, 12, 31)}), key) == date(2200, 12, 31)


def test_standards_that_are_not_a_mapping_say_what_they_should_be() -> None:
    assert _refusal({"standards": 5}) == (
        "standards",
        "策略参数 standards 应为“级别: 每人补贴元数”的映射，例如 {中级工: 1200}",
    )


def test_an_unknown_level_lists_the_known_ones() -> None:
    assert _refusal({"standards": {"大师": 100}}) == (
        "standards.大师",
        "策略参数 standards.大师 的级别无法识别：可用的级别为 "
        "初级工、中级工、高级工、技师、高级技师、专项职业能力、培训合格证、创业培训",
    )


def test_a_performance_share_below_20_cites_its_clause() -> None:
    """003 (十一): 原则上考核补贴不低于补贴总额的20%."""
    assert _refusal({"performance_pct": 19}) == (
        "performance_pct",
        "策略参数 performance_pct 绩效（考核）补贴比例不得低于 20%（003 (十一)），请改为 20 到 100 之间的数",
    )
    assert Policy().with_overrides({"performance_pct": 20}).performance_pct == 20  # noqa: PLR2004


def test_a_percentage_that_is_not_a_number_is_named_as_a_percentage() -> None:
    assert _refusal({"performance_pct": "abc"}) == (
        "performance_pct",
        "策略参数 performance_pct 必须是 0 到 100 之间的数（百分比）",
    )


def test_an_error_without_a_reason_of_its_own_points_to_the_default_file() -> None:
    assert _refusal({"effective_from": "2021-05-08T10:30:00"}) == (
        "effective_from",
        "策略参数 effective_from 取值无效，请按 policy_default.yaml 中的说明填写",
    )


def test_every_bad_field_is_listed_and_the_first_is_named() -> None:
    assert _refusal({"claim_review_days": 0, "notice_days": "x"}) == (
        "claim_review_days",
        "策略参数 claim_review_days 必须是大于 0 的整数；策略参数 notice_days 必须是整数",
    )


def test_a_policy_file_that_is_not_a_mapping_says_what_it_should_be() -> None:
    with pytest.raises(PolicyError) as refused:
        load_policy("- 1\n- 2\n")
    assert refused.value.field is None
    assert str(refused.value) == "策略文件应为“参数名: 取值”的映射，参见 policy_default.yaml"
