"""The restricted environment in which diagram expressions, scripts and DMN cells run.

SpiffWorkflow evaluates every expression with eval/exec. Here an expression sees only
task data, a few harmless builtins and the domain functions registered by name; imports,
dunder names and private attributes are refused before anything runs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, MutableMapping
from datetime import date
from functools import lru_cache
from types import CodeType
from typing import Any

from domain import deadlines, headcount
from domain.calendar import BusinessCalendar
from domain.policy import Policy

_SAFE_BUILTINS: dict[str, Any] = {
    "abs": abs, "all": all, "any": any, "bool": bool, "dict": dict, "enumerate": enumerate,
    "float": float, "int": int, "len": len, "list": list, "max": max, "min": min,
    "range": range, "round": round, "set": set, "sorted": sorted, "str": str, "sum": sum,
    "tuple": tuple, "zip": zip, "True": True, "False": False, "None": None,
}  # fmt: skip

_FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ClassDef, ast.AsyncFunctionDef)


class UnsafeExpression(ValueError):
    """A diagram expression that uses something the sandbox does not allow."""


def _check(tree: ast.AST, source: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, _FORBIDDEN_NODES):
            raise UnsafeExpression(f"不允许在流程表达式中使用 {type(node).__name__}: {source!r}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UnsafeExpression(f"不允许访问私有属性 {node.attr}: {source!r}")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise UnsafeExpression(f"不允许使用名称 {node.id}: {source!r}")


@lru_cache(maxsize=1024)
def _compile(source: str, mode: str) -> CodeType:
    tree = ast.parse(source, mode=mode)
    _check(tree, source)
    code: CodeType = compile(source, "<diagram>", mode)
    return code


def check_source(source: str, *, script: bool = False) -> None:
    """Raise UnsafeExpression (or SyntaxError) if ``source`` would be refused at run time."""
    _compile(source, "exec" if script else "eval")


class SandboxEnvironment:
    """A SpiffWorkflow script environment: task data + registered functions, nothing else."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        self.globals: dict[str, Any] = dict(functions)

    def _scope(self, external: Mapping[str, Any] | None) -> dict[str, Any]:
        scope: dict[str, Any] = {"__builtins__": _SAFE_BUILTINS}
        scope.update(self.globals)
        if external:
            scope.update(external)
        return scope

    def evaluate(
        self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        """Evaluate an expression (gateway condition, timer value, DMN cell)."""
        scope = self._scope(external_context)
        scope.update(context)
        return eval(_compile(expression, "eval"), scope)  # noqa: S307 - AST-checked, restricted builtins

    def execute(
        self,
        script: str,
        context: MutableMapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Run a script task; assignments land in the task data."""
        clash = set(self.globals).intersection(context)
        if clash:
            raise UnsafeExpression(f"任务数据覆盖了流程函数：{sorted(clash)}")
        scope = self._scope(external_context)
        scope.update(context)
        exec(_compile(script, "exec"), scope)  # noqa: S102 - AST-checked, restricted builtins
        for key, value in scope.items():
            if key == "__builtins__" or key in self.globals or callable(value):
                continue
            if external_context and key in external_context:
                continue
            context[key] = value
        for key in [k for k in context if k not in scope]:
            del context[key]  # `del x` in a script removes x from the task data
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service tasks are not used: side effects belong to the machinery, not to diagrams."""
        raise UnsafeExpression("流程中不允许调用外部服务")


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
    }


def _subsidy_dict(subsidy: headcount.Subsidy) -> dict[str, int]:
    return {
        "amount_fen": subsidy.amount_fen,
        "base_fen": subsidy.base_fen,
        "performance_fen": subsidy.performance_fen,
    }
