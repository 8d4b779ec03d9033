"""The values of the closed expression language: its bounds, its errors, and the operations it allows.

Every operation an expression may perform on a value is here, each bounded (magnitudes, string and
sequence sizes) and typed (arithmetic on plain numbers only; subscripts and ``in`` on plain
containers only); ``bpmn/expressions.py`` builds evaluators out of them.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

MAX_SOURCE_CHARS = 4_000
MAX_STATEMENTS = 50
MAX_NODES = 1_000
MAX_DEPTH = 32
MAX_STEPS = 5_000
MAX_MAGNITUDE = 10**18
MAX_STRING = 100_000
MAX_SEQUENCE = 10_000
_SHOWN_CHARS = 200

_NUMBER_TYPES = (int, float, bool)
_CONTAINER_TYPES = (dict, list, tuple, str)
_MEMBERSHIP_TYPES = (dict, list, tuple, str, set, frozenset)


class ExpressionRefused(ValueError):
    """A diagram expression outside the closed language, or an operation it may not perform."""

    def __init__(self, construct: str, message: str, source: str = "") -> None:
        super().__init__(construct, message, source)
        self.construct = construct
        self.message = message
        self.source = source

    def __str__(self) -> str:
        shown = self.source if len(self.source) <= _SHOWN_CHARS else self.source[:_SHOWN_CHARS] + "…"
        return f"流程表达式被拒绝：{self.message}（{self.construct}）：{shown!r}"


class UndefinedName(NameError):
    """An expression read a name that is neither in the task data nor in the external context."""

    def __init__(self, name: str) -> None:
        super().__init__(f"流程数据中没有名称 {name}")
        self.name = name


_Functions = Mapping[str, Callable[..., Any]]


class Frame:
    """The state of one evaluation: where names come from, registered functions, the step count."""

    __slots__ = ("data", "external", "functions", "steps")

    def __init__(
        self, data: Mapping[str, Any], external: Mapping[str, Any] | None, functions: _Functions
    ) -> None:
        self.data, self.external, self.functions, self.steps = data, external, functions, 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExpressionRefused("步数", f"一次求值超过 {MAX_STEPS} 步")

    def lookup(self, name: str) -> Any:
        if name in self.data:
            return self.data[name]
        if self.external is not None and name in self.external:
            return self.external[name]
        if name in self.functions:
            raise ExpressionRefused("函数值", f"函数 {name} 只能直接调用，不能作为值使用")
        raise UndefinedName(name)


Fn = Callable[[Frame], Any]
Statement = Callable[[Frame, MutableMapping[str, Any]], None]


def checked_number(value: Any) -> Any:
    kind = type(value)
    if (kind is float and not math.isfinite(value)) or (kind in (int, float) and abs(value) > MAX_MAGNITUDE):
        raise ExpressionRefused("数值范围", f"数值超出 ±{MAX_MAGNITUDE}")
    return value


def is_number(value: Any) -> bool:
    return type(value) in _NUMBER_TYPES


def _arith(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        if not (is_number(left) and is_number(right)):
            raise ExpressionRefused(
                "运算对象", f"运算只适用于数值，得到 {type(left).__name__} 与 {type(right).__name__}"
            )
        return checked_number(op(checked_number(left), checked_number(right)))

    return apply


def _add(left: Any, right: Any) -> Any:
    if is_number(left) and is_number(right):
        return checked_number(checked_number(left) + checked_number(right))
    if type(left) is type(right) and type(left) in (str, list, tuple):
        cap = MAX_STRING if type(left) is str else MAX_SEQUENCE
        if len(left) + len(right) > cap:
            raise ExpressionRefused("长度", f"拼接结果超过 {cap}")
        return left + right
    raise ExpressionRefused("运算对象", f"不能相加：{type(left).__name__} 与 {type(right).__name__}")


def _mul(left: Any, right: Any) -> Any:
    if is_number(left) and is_number(right):
        return checked_number(checked_number(left) * checked_number(right))
    text, times = (left, right) if type(left) is str else (right, left)
    if type(text) is str and type(times) in (int, bool):
        if len(text) * max(int(times), 0) > MAX_STRING:
            raise ExpressionRefused("长度", f"字符串重复结果超过 {MAX_STRING}")
        return text * times
    raise ExpressionRefused("运算对象", f"不能相乘：{type(left).__name__} 与 {type(right).__name__}")


BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: _add, ast.Sub: _arith(operator.sub), ast.Mult: _mul, ast.Div: _arith(operator.truediv),
    ast.FloorDiv: _arith(operator.floordiv), ast.Mod: _arith(operator.mod),
}  # fmt: skip


def _contains(container: Any, item: Any) -> bool:
    if not isinstance(container, _MEMBERSHIP_TYPES):
        raise ExpressionRefused("in", f"in 只适用于字符串、列表、元组、字典，得到 {type(container).__name__}")
    return item in container


COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: _contains(b, a), ast.NotIn: lambda a, b: not _contains(b, a),
}  # fmt: skip


def subscript(container: Any, key: Any) -> Any:
    if not isinstance(container, _CONTAINER_TYPES):
        raise ExpressionRefused(
            "下标", f"只能对字典、列表、元组、字符串取下标，得到 {type(container).__name__}"
        )
    return container[key]
