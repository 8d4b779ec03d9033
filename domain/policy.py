"""Policy parameters of the lifecycle: the figures a bureau may change without code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from domain.bounds import MAX_INT, MAX_YEAR, MIN_YEAR, year_in_range
from domain.eligibility import AgeLimits
from domain.vocab import Level

Count = Annotated[int, Field(strict=True, gt=0)]
Percent = (
    Annotated[int, Field(strict=True, ge=0, le=100)]
    | Annotated[float, Field(strict=True, ge=0, le=100, allow_inf_nan=False)]
)


def exact_ratio(value: int | float) -> Fraction:
    """The exact value of a policy figure as written (``64.9`` is 649/10, not its binary neighbour)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _default_standards() -> dict[Level, int]:
    """The illustrative standards shipped so the system runs out of the box (LIFECYCLE.md)."""
    return {
        Level.JUNIOR: 800,
        Level.INTERMEDIATE: 1200,
        Level.SENIOR: 1600,
        Level.TECHNICIAN: 2400,
        Level.SENIOR_TECHNICIAN: 3000,
        Level.SPECIAL_ABILITY: 500,
        Level.QUALIFIED_CERT: 300,
        # 002: 1000 元 per person for (simulated) entrepreneurship training
        Level.ENTREPRENEURSHIP: 1000,
    }


class PolicyError(ValueError):
    """A policy parameter (override or bureau file) that cannot be accepted; ``field`` names it."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        super().__init__(message)


class Policy(BaseModel):
    """The parameters of the lifecycle with the contract's defaults (scenarios/README.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # 004 三(二): 每班人数不得超过50人（就业重点人群培训每班不得超过30人）
    max_class_size: Count = 50
    max_key_group_size: Count = 30
    # 004 三(二): 技能实训不少于总课时的65%
    min_practical_share: Percent = 65
    # 004 (三)1: 培训开班3个工作日前 ... 提交培训开班申请
    opening_lead_working_days: Count = 3
    # 004 (三)3: 结业前 3 天 ... 提出考核申请
    assessment_lead_days: Count = 3
    # 004 (三)2: 开班当日实际参加培训人数低于计划申报人数 90% 的取消本次培训班
    opening_day_min_pct: Percent = 90
    # 004 (三)2: 抽查中培训学员平均人数低于开班人数 90% 的，补贴资金按平均人数为基准予以核拨
    spot_check_min_pct: Percent = 90
    min_spot_checks: Count = 1
    # 000 五(三): 全脱产不超过3个月，半脱产不超过6个月
    full_time_max_months: Count = 3
    part_time_max_months: Count = 6
    # 004 (三)4: 人社部门应在7个工作日内完成受理及审核工作 (the form says 15)
    claim_review_days: Count = 7
    # 004 (三)4: 不少于3个工作日的公示
    notice_days: Count = 3
    # design card: payment within 7 (working) days after the notice closes
    payment_days: Count = 7
    # 003 (十一): 原则上考核补贴不低于补贴总额的20%
    performance_pct: Percent = 20
    # 004 三(三): 满意度调查，低于85%的停止培训开班，限期整改
    min_satisfaction_pct: Percent = 85
    # 000: no repeat of the same occupation; off by default (004 only forbids a second class in the year)
    forbid_repeat_occupation: Annotated[bool, Field(strict=True)] = False
    # 003 (十一): 各市(州)...制定差异化补贴标准; 元 per person
    standards: dict[Level, Count] = Field(default_factory=_default_standards)
    # 004: the work plan is dated 2021年5月8日
    effective_from: date = date(2021, 5, 8)
    # 001: a policy's validity period ends (until 2025-12-31); None: in force until a later version replaces it
    effective_until: date | None = None
    # 002: 法定劳动年龄内 — at least 16 on the start date, under 60 (men) / under 55 (women)
    min_trainee_age: Annotated[int, Field(strict=True, ge=0)] = 16
    max_trainee_age_male: Count = 60
    max_trainee_age_female: Count = 55
    # 004 (三)3 + LIFECYCLE.md: the assessment takes place by the end date + this many calendar days
    assessment_window_days: Annotated[int, Field(strict=True, ge=0)] = 30
    # 002: 提供规定范围内的5个职业等级、6次培训补贴 (Dalian: 6); null: no lifetime cap
    max_subsidies_per_person: Count | None = None
    # 个人信息保护法 第十九条: kept no longer than needed; 培训补贴档案 kept 30 years — then erased
    personal_data_retention_years: Count = 30

    @field_validator("performance_pct")
    @classmethod
    def _performance_at_least_20(cls, value: int | float) -> int | float:
        # 003 (十一): 考核补贴不低于补贴总额的20%
        if value < 20:  # noqa: PLR2004 - the clause's own figure, not a tunable
            raise ValueError("below_20")
        return value

    @field_validator("standards")
    @classmethod
    def _every_level(cls, value: dict[Level, int]) -> dict[Level, int]:
        missing = [level for level in Level if level not in value]
        if missing:
            raise ValueError(f"missing:{missing[0].value}")
        return value

    @property
    def age_limits(self) -> AgeLimits:
        """The trainee age limits (002: 法定劳动年龄内)."""
        return AgeLimits(self.min_trainee_age, self.max_trainee_age_male, self.max_trainee_age_female)

    def standard_yuan(self, level: Level) -> int:
        """The subsidy standard of ``level`` in 元 per person."""
        return self.standards[level]

    def with_overrides(self, overrides: Mapping[str, Any]) -> Policy:
        """A validated copy with ``overrides`` applied; ``standards`` merges per level."""
        data = self.model_dump()
        check_policy_ranges(overrides)
        for key, value in overrides.items():
            if key not in type(self).model_fields:
                raise PolicyError(
                    str(key), f"未知的策略参数 {key!r}：请检查拼写，可用的参数见 policy_default.yaml"
                )
            data[key] = _merged_standards(data["standards"], value) if key == "standards" else value
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            raise _policy_error(exc) from None


# Upper bounds of policy figures, beyond which the date arithmetic or the amounts stop making sense.
_POLICY_MAX = {
    "full_time_max_months": 24,
    "part_time_max_months": 24,
    "opening_lead_working_days": 250,
    "assessment_lead_days": 365,
    "claim_review_days": 250,
    "notice_days": 250,
    "payment_days": 250,
    "min_spot_checks": 100,
    "max_class_size": 200,
    "max_key_group_size": 200,
}
_STANDARD_MAX_YUAN = 50_000


def check_policy_ranges(values: Mapping[str, Any]) -> None:
    """Refuse policy figures beyond sane bounds (PolicyError naming the key); the types are Policy's."""
    for key, value in values.items():
        if key == "standards" and isinstance(value, Mapping):
            for level, amount in value.items():
                _check_figure(f"standards.{level}", amount, _STANDARD_MAX_YUAN, "元")
        elif (
            key in ("effective_from", "effective_until")
            and isinstance(value, date)
            and not year_in_range(value)
        ):
            raise PolicyError(
                str(key), f"策略参数 {key} 的年份 {value.year} 超出合理范围（{MIN_YEAR}–{MAX_YEAR} 年）"
            )
        else:
            _check_figure(str(key), value, _POLICY_MAX.get(str(key), MAX_INT), "")


def _check_figure(key: str, value: object, limit: int, unit: str) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > limit:
        raise PolicyError(
            key, f"策略参数 {key} 不得大于 {limit}{unit}，现为 {str(value)[:30]}：请改为合理的数值"
        )


def _merged_standards(current: dict[Level, int], value: object) -> dict[Level, object]:
    """``current`` with the per-level figures of an override."""
    if not isinstance(value, Mapping):
        raise PolicyError(
            "standards", "策略参数 standards 应为“级别: 每人补贴元数”的映射，例如 {中级工: 1200}"
        )
    merged: dict[Level, object] = dict(current)
    for name, amount in value.items():
        try:
            level = Level(name)
        except ValueError:
            known = "、".join(level.value for level in Level)
            raise PolicyError(
                f"standards.{name}", f"策略参数 standards.{name} 的级别无法识别：可用的级别为 {known}"
            ) from None
        merged[level] = amount
    return merged


_REASONS: dict[str, str] = {
    "greater_than": "必须是大于 0 的整数",
    "greater_than_equal": "不得小于 0",
    "less_than_equal": "不得大于 100",
    "int_type": "必须是整数",
    "bool_type": "必须是 true 或 false",
    "finite_number": "必须是有限的数",
    "date_type": "必须是日期，例如 2021-05-08",
    "date_from_datetime_parsing": "必须是日期，例如 2021-05-08",
    "dict_type": "应为“级别: 每人补贴元数”的映射",
}


_PERCENT_FIELDS = frozenset(
    {
        "min_practical_share",
        "opening_day_min_pct",
        "spot_check_min_pct",
        "performance_pct",
        "min_satisfaction_pct",
    }
)


def _describe(error: ErrorDetails) -> tuple[str, str]:
    """The field path and the Chinese reason of one pydantic error."""
    # union branches add "constrained-int" / "constrained-float" to the location: not a field
    loc = [str(part) for part in error["loc"] if not str(part).startswith("constrained-")]
    field = ".".join(loc)  # every error of a model validated from a mapping names its field
    message = error["msg"]
    if message.endswith("below_20"):
        return field, "绩效（考核）补贴比例不得低于 20%（003 (十一)），请改为 20 到 100 之间的数"
    if field in _PERCENT_FIELDS and error["type"] in {"int_type", "float_type"}:
        return field, "必须是 0 到 100 之间的数（百分比）"
    return field, _REASONS.get(error["type"], "取值无效，请按 policy_default.yaml 中的说明填写")


def _policy_error(exc: ValidationError) -> PolicyError:
    """One PolicyError naming the first bad field (every bad field listed in the message)."""
    reasons: dict[str, str] = {}
    for error in exc.errors():
        field, reason = _describe(error)
        reasons.setdefault(field, reason)
    text = "；".join(f"策略参数 {field} {reason}" for field, reason in reasons.items())
    return PolicyError(next(iter(reasons)), text)


def load_policy(text: str) -> Policy:
    """A bureau's policy file (YAML): the defaults with the file's parameters applied."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(None, f"策略文件不是有效的 YAML：{exc}") from exc
    if data is None:
        return Policy()
    if not isinstance(data, Mapping):
        raise PolicyError(None, "策略文件应为“参数名: 取值”的映射，参见 policy_default.yaml")
    return Policy().with_overrides(data)
