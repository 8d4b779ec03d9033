"""Reading a scenario file: structure checked, errors named by line and key (exit 2 territory)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.policy import Policy, PolicyError


class ScenarioMalformed(ValueError):
    """The file itself is wrong: not a scenario the runner can play."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("时间须带时区，例如 2026-03-02T09:00:00+08:00")
        return value

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
    year: int
    occupation: str = ""


class FixtureEnterprise(_Strict):
    """An enterprise known to the bureau, by its unified social credit code (contract v2)."""

    name: str
    credit_code: str
    status: Literal["active", "suspended", "blacklisted"] = "active"


class FixturePlanLine(_Strict):
    """A line of the year's training plan: trainees allocated to an institution (contract v2)."""

    year: int
    institution: str
    quota: int = Field(ge=0)
    type: str | None = None


class Fixtures(_Strict):
    """Catalogue additions."""

    institutions: list[FixtureInstitution] = Field(default_factory=list)
    projects: list[FixtureProject] = Field(default_factory=list)
    training_records: list[FixtureRecord] = Field(default_factory=list)
    enterprises: list[FixtureEnterprise] = Field(default_factory=list)
    plan: list[FixturePlanLine] = Field(default_factory=list)


class CalendarSpec(_Strict):
    """Extra official-calendar data."""

    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)


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
        if value is not None and value.tzinfo is None:
            raise ValueError("时间须带时区，例如 2026-03-02T09:00:00+08:00")
        return value

    @field_validator("policy")
    @classmethod
    def _policy_applies(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
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


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def parse_scenario(text: str, name: str = "<scenario>") -> Scenario:
    """Parse and check a scenario; ScenarioMalformed names the line and key of the first problem."""
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as err:
        raise ScenarioMalformed(f"{name}: YAML 无法解析：{err}") from err
    if not isinstance(raw, dict):
        raise ScenarioMalformed(f"{name}: 场景文件须是一个映射（scenario, start, steps …）")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(p for p in first["loc"] if isinstance(p, int | str))
        key = ".".join(str(p) for p in loc) or "(top)"
        line = _line_of(root, loc)
        raise ScenarioMalformed(f"{name}:{line}: {key}: {first['msg']}") from err
