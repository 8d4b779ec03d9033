"""The environment in which diagram expressions, scripts and DMN cells run.

SpiffWorkflow hands every expression to its script environment. This one never calls Python's
``eval`` / ``exec``: expressions and scripts are written in the closed language of
``bpmn.expressions`` and run by its interpreter over task data and the domain functions
registered by name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping
from datetime import date
from typing import Any

from bpmn.expressions import ExpressionRefused, compile_expression, compile_script, evaluate, run_script
from domain import deadlines, headcount
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from domain.vocab import Level

UnsafeExpression = ExpressionRefused  # the former name, kept for callers

FUNCTION_NAMES: tuple[str, ...] = (
    "opening_review_deadline",
    "is_opening_cancelled",
    "has_enough_spot_checks",
    "compute_attendance_base",
    "is_below_satisfaction",
    "compute_eligible",
    "compute_subsidy",
    "claim_review_deadline",
    "notice_start_after",
    "notice_end_from",
    "notice_closing_time",
    "payment_deadline",
    "policy_standard",
)
"""The names of the domain functions a diagram may call (the keys of ``lifecycle_functions``)."""


def check_source(source: str, *, script: bool = False, functions: Collection[str] | None = None) -> None:
    """Raise ExpressionRefused if ``source`` is outside the language (or calls an unknown function)."""
    compiled = compile_script(source) if script else compile_expression(source)
    compiled.check_functions(FUNCTION_NAMES if functions is None else functions)


class SandboxEnvironment:
    """A SpiffWorkflow script environment: task data + registered functions, nothing else."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        self.globals: dict[str, Callable[..., Any]] = dict(functions)

    def evaluate(
        self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        """Evaluate an expression (gateway condition, timer value, DMN cell) over the task data."""
        return evaluate(expression, context, self.globals, external_context)

    def execute(
        self,
        script: str,
        context: MutableMapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Run a script task; assignments land in the task data, ``del name`` removes a name."""
        clash = set(self.globals).intersection(context)
        if clash:
            raise ExpressionRefused("任务数据", f"任务数据覆盖了流程函数：{sorted(clash)}", script)
        scope = dict(context)
        run_script(script, scope, self.globals, external_context)
        for key, value in scope.items():
            if not (external_context and key in external_context):
                context[key] = value
        for key in [k for k in context if k not in scope]:
            del context[key]
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service tasks are not used: side effects belong to the machinery, not to diagrams."""
        raise ExpressionRefused("服务任务", "流程中不允许调用外部服务")


def _iso(d: date) -> str:
    return d.isoformat()


def lifecycle_functions(policy: Policy, calendar: BusinessCalendar) -> dict[str, Callable[..., Any]]:
    """The domain functions a diagram may call, bound to the case's policy and calendar."""

    def day(value: str) -> date:
        return date.fromisoformat(value)

    return {
        "opening_review_deadline": lambda start_date: deadlines.opening_review_due(
            day(start_date)
        ).isoformat(),
        "is_opening_cancelled": lambda actual, planned: headcount.is_opening_cancelled(
            actual, planned, policy.opening_day_min_pct
        ),
        "has_enough_spot_checks": lambda spot_attendances: len(spot_attendances) >= policy.min_spot_checks,
        "compute_attendance_base": lambda opening_count, spot_attendances: headcount.attendance_base(
            opening_count, spot_attendances, policy.spot_check_min_pct
        ),
        "is_below_satisfaction": lambda pct: headcount.is_below_satisfaction(
            pct, policy.min_satisfaction_pct
        ),
        "compute_eligible": headcount.eligible_count,
        "compute_subsidy": lambda eligible, standard_yuan: _subsidy_dict(
            headcount.subsidy_for(eligible, standard_yuan, policy.performance_pct)
        ),
        "claim_review_deadline": lambda claim_date: deadlines.claim_review_due(
            day(claim_date), policy, calendar
        ).isoformat(),
        "notice_start_after": lambda published_on: _iso(
            deadlines.notice_window(day(published_on), policy, calendar)[0]
        ),
        "notice_end_from": lambda start: _iso(calendar.add_working_days(day(start), policy.notice_days - 1)),
        "notice_closing_time": lambda notice_end: deadlines.notice_closes_at(day(notice_end)).isoformat(),
        "payment_deadline": lambda notice_end: deadlines.payment_due(
            day(notice_end), policy, calendar
        ).isoformat(),
        # 003 (十一): the standard per person of a level, from the case's pinned policy (its one source)
        "policy_standard": lambda level: policy.standard_yuan(Level(level)),
    }


def _subsidy_dict(subsidy: headcount.Subsidy) -> dict[str, int]:
    return {
        "amount_fen": subsidy.amount_fen,
        "base_fen": subsidy.base_fen,
        "performance_fen": subsidy.performance_fen,
    }
