"""Reading a scenario file: structure checked, errors named by line and key (exit 2 territory)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from domain.errors import ErrorCode, Violation
from domain.policy import Policy, PolicyError, check_policy_ranges
from forms import safe_yaml
from forms.bounds import MAX_INT, MAX_YEAR, MIN_YEAR, year_in_range, year_message


class ScenarioMalformed(ValueError):
    """The file itself is wrong: not a scenario the runner can play."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _instant(value: datetime | None) -> datetime | None:
    """An instant of the file (start, end, at): timezone-aware and in the sane era."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("时间须带时区，例如 2026-03-02T09:00:00+08:00")
    if not year_in_range(value):
        raise ValueError(f"年份 {value.year} 超出合理范围（{MIN_YEAR}–{MAX_YEAR} 年），请检查时间")
    return value


def _day(value: date) -> date:
    if not year_in_range(value):
        raise ValueError(f"年份 {value.year} 超出合理范围（{MIN_YEAR}–{MAX_YEAR} 年），请检查日期")
    return value


def _year(value: int) -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValueError(f"年份 {str(value)[:30]} 超出合理范围（{MIN_YEAR}–{MAX_YEAR} 年）")
    return value


def _count(value: int) -> int:
    if not 0 <= value <= MAX_INT:
        raise ValueError(f"数值 {str(value)[:30]} 超出合理范围（0–{MAX_INT}）")
    return value


Day = Annotated[date, AfterValidator(_day)]
Year = Annotated[int, AfterValidator(_year)]
Count = Annotated[int, AfterValidator(_count)]


# A scenario plays in well under 2 s: lists beyond these sizes would make it run for minutes.
MAX_STEPS = 1000
MAX_GATEWAY = 100
MAX_FIXTURES = 2000


def _at_most(value: Any, limit: int, unit: str) -> Any:
    if isinstance(value, list) and len(value) > limit:
        raise ValueError(f"最多 {limit} {unit}，现有 {len(value)} {unit}：请拆分为多个场景文件")
    return value


class ActorSpec(_Strict):
    """Who acts in a step."""

    user: str
    role: str


class StepSpec(_Strict):
    """One step: a task completion or an event, at an instant."""

    at: datetime
    case: str = "main"
    actor: ActorSpec | None = None
    task: str | None = None
    event: Literal["objection", "fraud", "rectification"] | None = None
    data: Any = Field(default_factory=dict)  # not checked here: a bad form is a refused step, not a bad file

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime | None:
        return _instant(value)

    @model_validator(mode="after")
    def _one_action(self) -> StepSpec:
        if (self.task is None) == (self.event is None):
            raise ValueError("每一步须有 task 或 event 之一")
        if self.task is not None and self.actor is None:
            raise ValueError("task 步骤须有 actor")
        if self.event in ("fraud", "rectification") and self.actor is None:
            raise ValueError(f"{self.event} 事件须有 actor")
        return self


class FixtureInstitution(_Strict):
    """An institution added to the demo catalogue."""

    name: str
    status: Literal["active", "suspended", "blacklisted"] = "active"


class FixtureProject(_Strict):
    """A published project added to the demo catalogue."""

    occupation: str
    level: str


class FixtureRecord(_Strict):
    """An earlier subsidised training."""

    id_number: str
    year: Year
    occupation: str = ""


class FixtureEnterprise(_Strict):
    """An enterprise known to the bureau, by its unified social credit code (contract v2)."""

    name: str
    credit_code: str
    status: Literal["active", "suspended", "blacklisted"] = "active"


class FixturePlanLine(_Strict):
    """A line of the year's training plan: trainees allocated to an institution (contract v2)."""

    year: Year
    institution: str
    quota: Count
    type: str | None = None


class Fixtures(_Strict):
    """Catalogue additions."""

    institutions: list[FixtureInstitution] = Field(default_factory=list)
    projects: list[FixtureProject] = Field(default_factory=list)
    training_records: list[FixtureRecord] = Field(default_factory=list)
    enterprises: list[FixtureEnterprise] = Field(default_factory=list)
    plan: list[FixturePlanLine] = Field(default_factory=list)

    @field_validator("*", mode="before")
    @classmethod
    def _not_too_many(cls, value: Any) -> Any:
        return _at_most(value, MAX_FIXTURES, "项")


class CalendarSpec(_Strict):
    """Extra official-calendar data."""

    holidays: list[Day] = Field(default_factory=list)
    workdays: list[Day] = Field(default_factory=list)


class Scenario(_Strict):
    """A whole scenario file."""

    scenario: str
    start: datetime
    policy: dict[str, Any] = Field(default_factory=dict)
    fixtures: Fixtures = Field(default_factory=Fixtures)
    calendar: CalendarSpec | None = None
    gateway: list[Literal["ok", "error", "lost_reply"]] = Field(default_factory=list)
    steps: list[StepSpec] = Field(default_factory=list)
    end: datetime | None = None
    expect: dict[str, Any] | None = None

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _instant(value)

    @field_validator("steps", mode="before")
    @classmethod
    def _not_too_many_steps(cls, value: Any) -> Any:
        return _at_most(value, MAX_STEPS, "步")

    @field_validator("gateway", mode="before")
    @classmethod
    def _not_too_many_answers(cls, value: Any) -> Any:
        return _at_most(value, MAX_GATEWAY, "项")

    @field_validator("policy")
    @classmethod
    def _policy_applies(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            check_policy_ranges(value)
            Policy().with_overrides(value)
        except PolicyError as bad:
            raise ValueError(str(bad)) from bad
        return value

    @model_validator(mode="after")
    def _monotonic(self) -> Scenario:
        previous = self.start
        for i, step in enumerate(self.steps):
            if step.at < previous:
                raise ValueError(f"steps[{i}].at 早于前一时刻 {previous.isoformat()}：步骤时间不能倒退")
            previous = step.at
        if self.end is not None and self.end < previous:
            raise ValueError("end 早于最后一步的时间")
        return self


def parse_scenario(text: str, name: str = "<scenario>") -> Scenario:
    """Parse and check a scenario; ScenarioMalformed names the line and key of the first problem."""
    try:
        raw, root = safe_yaml.load(text)
    except safe_yaml.YamlRefused as refused:
        raise ScenarioMalformed(refused.named(name)) from None
    except yaml.YAMLError as err:
        raise ScenarioMalformed(safe_yaml.describe(err, text).named(name)) from None
    if not isinstance(raw, dict):
        raise ScenarioMalformed(f"{name}: 场景文件须是一个映射（scenario, start, steps …）")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(p for p in first["loc"] if isinstance(p, int | str))
        text = _said(first["type"], str(first["msg"]), first.get("ctx") or {})
        moved = _STEP_AT.match(text)  # the whole-file check of step order names the step it is about
        if not loc and moved:
            loc = ("steps", int(moved.group(1)), "at")
        key = ".".join(str(p) for p in loc) or "（整个文件）"
        raise ScenarioMalformed(f"{name}:{safe_yaml.line_of(root, loc)}: {key}: {text}") from None


_STEP_AT = re.compile(r"steps\[(\d+)\]\.at ")
_TIME = "须为带时区的时间，例如 2026-03-02T09:00:00+08:00"
_DAY = "须为日期，格式 YYYY-MM-DD（如 2026-03-09）"
_MAPPING = "须为一组「键: 值」"
# pydantic's error types in the words of the contract's users (its own messages are English)
_PYDANTIC = {
    "missing": "缺少此项", "extra_forbidden": "没有这一项（拼写有误？）", "list_type": "须为列表",
    "dict_type": _MAPPING, "model_type": _MAPPING, "model_attributes_type": _MAPPING, "string_type": "须为文字",
    "int_type": "须为整数", "int_parsing": "须为整数", "int_from_float": "须为整数", "float_type": "须为数字",
    "float_parsing": "须为数字", "bool_type": "须为 true 或 false", "bool_parsing": "须为 true 或 false",
    "datetime_type": _TIME, "datetime_parsing": _TIME, "datetime_from_date_parsing": _TIME,
    "timezone_aware": "须带时区，例如 +08:00", "date_type": _DAY, "date_parsing": _DAY,
    "date_from_datetime_parsing": _DAY, "date_from_datetime_inexact": _DAY,
    "literal_error": "须为以下之一：{expected}", "enum": "须为以下之一：{expected}",
    "greater_than_equal": "不得小于 {ge}", "greater_than": "须大于 {gt}", "less_than_equal": "不得大于 {le}",
    "less_than": "须小于 {lt}", "too_short": "至少 {min_length} 项", "too_long": "至多 {max_length} 项",
    "string_too_short": "至少 {min_length} 个字", "string_too_long": "至多 {max_length} 个字",
}  # fmt: skip


def _said(kind: str, message: str, ctx: dict[str, Any]) -> str:
    """A validation error in Chinese: our own checks' words, or pydantic's error type translated."""
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = _PYDANTIC.get(kind)
    if template is None:
        return f"格式不对（{message}）"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def read_scenario(path: Path) -> tuple[str, Scenario]:
    """A scenario file's text and its checked content: at most 2 MiB of UTF-8 (a BOM is dropped)."""
    try:
        text = safe_yaml.decode(safe_yaml.read_limited(path))
    except safe_yaml.YamlRefused as refused:
        raise ScenarioMalformed(refused.named(str(path))) from None
    except OSError as err:
        raise ScenarioMalformed(f"{path}: 无法读取文件：{safe_yaml.os_reason(err)}") from None
    return text, parse_scenario(text, str(path))


MAX_GENERATE = 1000  # trainees of one `roster: {generate: N}`, far above any class size


def generate_refusals(data: Any) -> tuple[Violation, ...]:
    """Why an application's ``roster: {generate: N}`` cannot be generated: N beyond MAX_GENERATE (or
    negative), or a start date (the trainees' ages are reckoned on it) outside the sane era."""
    if not isinstance(data, Mapping):
        return ()
    roster = data.get("roster")
    if not (isinstance(roster, Mapping) and set(roster) == {"generate"}):
        return ()
    wanted = roster["generate"]
    refused: list[Violation] = []
    if isinstance(wanted, int) and not 0 <= wanted <= MAX_GENERATE:
        message = (
            f"花名册 generate 须在 0 到 {MAX_GENERATE} 之间（每班人数远小于此），现为 {str(wanted)[:30]}"
        )
        refused.append(Violation(ErrorCode.INVALID_FIELD, "roster", message))
    start = data.get("start_date")
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start.strip())
        except ValueError:
            start = None
    if isinstance(start, date) and not year_in_range(start):
        refused.insert(0, Violation(ErrorCode.INVALID_FIELD, "start_date", year_message("开班日期", start)))
    return tuple(refused)
