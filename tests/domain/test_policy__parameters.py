"""Policy parameters: the contract's defaults, the shipped file, overrides and their refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from domain.policy import Policy, PolicyError, load_policy
from domain.vocab import Level

DEFAULT_FILE = Path(__file__).parents[2] / "domain" / "policy_default.yaml"


def test_defaults_are_the_contracts(policy: Policy) -> None:
    """scenarios/README.md "Policy parameters"."""
    assert policy.max_class_size == 50
    assert policy.max_key_group_size == 30
    assert policy.min_practical_share == 65
    assert policy.opening_lead_working_days == 3
    assert policy.assessment_lead_days == 3
    assert policy.opening_day_min_pct == 90
    assert policy.spot_check_min_pct == 90
    assert policy.min_spot_checks == 1
    assert (policy.full_time_max_months, policy.part_time_max_months) == (3, 6)
    assert (policy.claim_review_days, policy.notice_days, policy.payment_days) == (7, 3, 7)
    assert policy.performance_pct == 20
    assert policy.min_satisfaction_pct == 85
    assert policy.forbid_repeat_occupation is False
    assert policy.standard_yuan(Level.INTERMEDIATE) == 1200
    assert policy.standard_yuan(Level.ENTREPRENEURSHIP) == 1000
    assert policy.effective_from.isoformat() == "2021-05-08"


def test_contract_v2_defaults(policy: Policy) -> None:
    """scenarios/README.md "Additions, version 2": new policy parameters and their defaults."""
    assert (policy.min_trainee_age, policy.max_trainee_age_male, policy.max_trainee_age_female) == (
        16,
        60,
        55,
    )
    assert policy.assessment_window_days == 30
    assert policy.max_subsidies_per_person is None
    assert policy.with_overrides({"max_subsidies_per_person": 6}).max_subsidies_per_person == 6
    assert policy.with_overrides({"max_subsidies_per_person": None}).max_subsidies_per_person is None
    with pytest.raises(PolicyError) as bad:
        policy.with_overrides({"max_subsidies_per_person": 0})
    assert bad.value.field is not None
    assert bad.value.field.startswith("max_subsidies_per_person")


def test_shipped_file_equals_the_defaults() -> None:
    """domain/policy_default.yaml documents every default; loading it changes nothing."""
    assert load_policy(DEFAULT_FILE.read_text(encoding="utf-8")) == Policy()


def test_every_parameter_in_the_shipped_file_cites_a_source() -> None:
    """Each top-level key is preceded by a comment."""
    lines = DEFAULT_FILE.read_text(encoding="utf-8").splitlines()
    keys = [i for i, line in enumerate(lines) if line and not line.startswith(("#", " "))]
    assert {lines[i].split(":")[0] for i in keys} == set(Policy.model_fields)
    assert all(lines[i - 1].startswith("#") for i in keys)


def test_overrides_are_applied_and_standards_merge(policy: Policy) -> None:
    """A scenario's `policy:` changes one figure; a standards override changes only its levels."""
    changed = policy.with_overrides(
        {"claim_review_days": 15, "standards": {"中级工": 1500}, "min_practical_share": 64.9}
    )
    assert changed.claim_review_days == 15
    assert changed.min_practical_share == 64.9
    assert changed.standard_yuan(Level.INTERMEDIATE) == 1500
    assert changed.standard_yuan(Level.JUNIOR) == 800
    assert policy.claim_review_days == 7  # frozen original


def test_policy_is_frozen(policy: Policy) -> None:
    """Nobody edits a policy in place."""
    with pytest.raises(ValidationError):
        policy.notice_days = 5


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"max_class_size": 0}, "max_class_size", "大于 0 的整数"),
        ({"max_class_size": True}, "max_class_size", "整数"),
        ({"notice_days": 2.5}, "notice_days", "整数"),
        ({"min_practical_share": 101}, "min_practical_share", "不得大于 100"),
        ({"opening_day_min_pct": -1}, "opening_day_min_pct", "不得小于 0"),
        ({"spot_check_min_pct": "90"}, "spot_check_min_pct", "0 到 100"),
        ({"performance_pct": 19.9}, "performance_pct", "20%"),
        ({"forbid_repeat_occupation": "yes"}, "forbid_repeat_occupation", "true 或 false"),
        ({"effective_from": "not a date"}, "effective_from", "日期"),
        ({"standards": {"中级工": 0}}, "standards.中级工", "大于 0"),
        ({"standards": {"五级": 800}}, "standards.五级", "无法识别"),
        ({"standards": 800}, "standards", "映射"),
        ({"max_clas_size": 40}, "max_clas_size", "未知的策略参数"),
    ],
)
def test_bad_overrides_name_the_field(
    overrides: dict[str, Any], field: str, reason: str, policy: Policy
) -> None:
    """PolicyError names the field and says why, in Chinese."""
    with pytest.raises(PolicyError) as caught:
        policy.with_overrides(overrides)
    assert caught.value.field == field
    assert field in str(caught.value)
    assert reason in str(caught.value)


def test_performance_pct_20_is_the_floor(policy: Policy) -> None:
    """003 (十一): 考核补贴不低于补贴总额的20% — 20 passes, 19 does not."""
    assert policy.with_overrides({"performance_pct": 20}).performance_pct == 20
    assert policy.with_overrides({"performance_pct": 30}).performance_pct == 30
    with pytest.raises(PolicyError, match="performance_pct"):
        policy.with_overrides({"performance_pct": 19})


def test_standards_must_name_every_level() -> None:
    """A table missing a level is refused (no KeyError at claim time)."""
    with pytest.raises(ValidationError, match="missing:"):
        Policy(standards={Level.JUNIOR: 800})


@pytest.mark.parametrize(
    ("text", "match"),
    [("max_class_size: [", "YAML"), ("- 1", "映射"), ("notice_days: 0", "notice_days")],
)
def test_bad_policy_files(text: str, match: str) -> None:
    """A bureau's file that is not a mapping of valid parameters is refused."""
    with pytest.raises(PolicyError, match=match):
        load_policy(text)


def test_empty_policy_file_is_the_default() -> None:
    """An empty file keeps every default."""
    assert load_policy("") == Policy()
    assert load_policy("standards: {高级工: 2000}").standard_yuan(Level.SENIOR) == 2000
