"""The closed expression language of diagrams: gateway conditions, timer values, DMN cells, scripts.

A source is parsed with ``ast.parse`` and every node is checked against an allow-list while it
is turned into a tree of small Python closures; nothing is ever handed to ``eval``, ``exec`` or
``compile``-to-code. The grammar:

* literals: str, int, float, bool, None, and list / tuple / dict displays of expressions;
* task-data names (no leading underscore), subscripts ``data[key]`` (no slices);
* comparisons ``== != < <= > >= in not in is is not`` (chains allowed), ``and`` / ``or`` / ``not``;
* arithmetic ``+ - * / // %`` and unary ``- +`` on numbers, bounded in magnitude; ``+`` joins
  strings, lists or tuples up to a size cap; ``str * int`` up to the string cap; no ``**``;
* ``a if c else b``;
* calls of registered domain functions by bare name, positional and keyword arguments.

A script is a sequence of ``name = <expression>`` and ``del name``. There is no attribute
access, no comprehension, lambda, f-string, starred or walrus expression, no loop or branch
statement. Sources, node counts, nesting depth and the work of one evaluation are bounded, and
a parsed source is cached, so the hot path is one dictionary look-up plus the closure calls.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bpmn.expression_values import (
    BINARY,
    COMPARE,
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_CHARS,
    MAX_STATEMENTS,
    MAX_STRING,
    ExpressionRefused,
    Fn,
    Frame,
    Statement,
    UndefinedName,
    checked_number,
    is_number,
    subscript,
)

__all__ = [
    "MAX_SOURCE_CHARS",
    "Compiled",
    "ExpressionRefused",
    "UndefinedName",
    "compile_expression",
    "compile_script",
    "evaluate",
    "run_script",
]


class _Builder:
    """Checks a parsed source node by node (allow-list) and builds its closures."""

    def __init__(self) -> None:
        self.nodes = 0
        self.calls: set[str] = set()
        self.assigned: set[str] = set()
        self.constants: set[int] = set()  # ids of nodes whose value is known without data

    def fold(self, node: ast.AST, run: Fn, *children: ast.AST) -> Fn:
        """Evaluate an operation on constants now, so that ``'a' * 1000000000`` is refused at deploy time."""
        if all(id(child) in self.constants for child in children):
            self.constants.add(id(node))
            try:
                run(Frame({}, None, {}))
            except (ArithmeticError, TypeError, ValueError) as err:
                if isinstance(err, ExpressionRefused):
                    raise
        return run

    def count(self, node: ast.AST, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionRefused("规模", f"表达式超过 {MAX_NODES} 个语法节点")
        if depth > MAX_DEPTH:
            raise ExpressionRefused("嵌套", f"表达式嵌套超过 {MAX_DEPTH} 层")

    def name(self, name: str, construct: str) -> str:
        if name.startswith("_"):
            raise ExpressionRefused(construct, f"名称不能以下划线开头：{name}")
        return name

    def expr(self, node: ast.AST, depth: int) -> Fn:
        self.count(node, depth)
        build = _EXPRESSIONS.get(type(node))
        if build is None:
            raise ExpressionRefused(type(node).__name__, "不属于流程表达式语言的语法")
        return build(self, node, depth + 1)

    def exprs(self, nodes: list[ast.expr], depth: int) -> list[Fn]:
        return [self.expr(n, depth) for n in nodes]

    def constant(self, node: ast.Constant, depth: int) -> Fn:
        value = node.value
        if type(value) not in (str, int, float, bool, type(None)):
            raise ExpressionRefused("常量", f"不允许的常量类型 {type(value).__name__}")
        self.constants.add(id(node))
        if type(value) is str and len(value) > MAX_STRING:
            raise ExpressionRefused("长度", f"字符串常量超过 {MAX_STRING}")
        if type(value) in (int, float):
            checked_number(value)
        return lambda frame: value

    def load(self, node: ast.Name, depth: int) -> Fn:
        if not isinstance(node.ctx, ast.Load):
            raise ExpressionRefused("名称", "名称只能读取")
        name = self.name(node.id, "名称")

        def run(frame: Frame) -> Any:
            frame.tick()
            return frame.lookup(name)

        return run

    def subscript(self, node: ast.Subscript, depth: int) -> Fn:
        if isinstance(node.slice, ast.Slice):
            raise ExpressionRefused("切片", "不允许切片")
        container, key = self.expr(node.value, depth), self.expr(node.slice, depth)

        def run(frame: Frame) -> Any:
            frame.tick()
            return subscript(container(frame), key(frame))

        return run

    def compare(self, node: ast.Compare, depth: int) -> Fn:
        first = self.expr(node.left, depth)
        chain = [
            (COMPARE[type(op)], self.expr(right, depth))
            for op, right in zip(node.ops, node.comparators, strict=True)
        ]

        def run(frame: Frame) -> Any:
            frame.tick()
            left = first(frame)
            result: Any = True
            for test, right_fn in chain:
                right = right_fn(frame)
                result = test(left, right)
                if not result:
                    return result
                left = right
            return result

        return run

    def boolop(self, node: ast.BoolOp, depth: int) -> Fn:
        parts = self.exprs(node.values, depth)
        is_and = isinstance(node.op, ast.And)

        def run(frame: Frame) -> Any:
            frame.tick()
            value: Any = None
            for part in parts:
                value = part(frame)
                if bool(value) is not is_and:
                    return value
            return value

        return run

    def unaryop(self, node: ast.UnaryOp, depth: int) -> Fn:
        operand = self.expr(node.operand, depth)
        if isinstance(node.op, ast.Not):
            return lambda frame: not operand(frame)
        if isinstance(node.op, ast.USub | ast.UAdd):
            sign = -1 if isinstance(node.op, ast.USub) else 1

            def run(frame: Frame) -> Any:
                frame.tick()
                value = operand(frame)
                if not is_number(value):
                    raise ExpressionRefused("运算对象", f"正负号只适用于数值，得到 {type(value).__name__}")
                return checked_number(-value if sign < 0 else +value)

            return self.fold(node, run, node.operand)
        raise ExpressionRefused(type(node.op).__name__, "不允许的一元运算")

    def binop(self, node: ast.BinOp, depth: int) -> Fn:
        apply = BINARY.get(type(node.op))
        if apply is None:
            raise ExpressionRefused(type(node.op).__name__, "不允许的运算（如乘方、位运算）")
        if (
            isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and type(node.left.value) is str
        ):
            raise ExpressionRefused("%", "不允许用 % 格式化字符串")
        displays = (ast.List, ast.Tuple, ast.Dict)
        if isinstance(node.op, ast.Mult) and any(isinstance(n, displays) for n in (node.left, node.right)):
            raise ExpressionRefused("重复", "不允许重复列表、元组")
        left, right = self.expr(node.left, depth), self.expr(node.right, depth)

        def run(frame: Frame) -> Any:
            frame.tick()
            return apply(left(frame), right(frame))

        return self.fold(node, run, node.left, node.right)

    def ifexp(self, node: ast.IfExp, depth: int) -> Fn:
        test, body, orelse = (self.expr(n, depth) for n in (node.test, node.body, node.orelse))
        return lambda frame: body(frame) if test(frame) else orelse(frame)

    def sequence(self, node: ast.List | ast.Tuple, depth: int) -> Fn:
        if not isinstance(node.ctx, ast.Load):
            raise ExpressionRefused(type(node).__name__, "列表、元组只能作为值")
        items = self.exprs(node.elts, depth)
        kind: Callable[[Any], Any] = list if isinstance(node, ast.List) else tuple
        return lambda frame: kind(item(frame) for item in items)

    def dict_(self, node: ast.Dict, depth: int) -> Fn:
        if any(key is None for key in node.keys):
            raise ExpressionRefused("**", "字典中不允许 ** 展开")
        pairs = [
            (self.expr(k, depth), self.expr(v, depth))
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        ]
        return lambda frame: {key(frame): value(frame) for key, value in pairs}

    def call(self, node: ast.Call, depth: int) -> Fn:
        if not isinstance(node.func, ast.Name):
            raise ExpressionRefused("调用", "只能按名称直接调用已登记的流程函数")
        name = self.name(node.func.id, "调用")
        self.calls.add(name)
        args = self.exprs(node.args, depth)
        keywords = [
            (self.name(k.arg, "关键字参数"), self.expr(k.value, depth)) for k in node.keywords if k.arg
        ]
        if len(keywords) != len(node.keywords):
            raise ExpressionRefused("**", "调用中不允许 ** 展开")

        def run(frame: Frame) -> Any:
            frame.tick()
            function = frame.functions.get(name)
            if function is None:
                raise ExpressionRefused("调用", f"{name} 不是已登记的流程函数")
            return function(*[a(frame) for a in args], **{k: v(frame) for k, v in keywords})

        return run

    def statement(self, node: ast.stmt) -> Statement:
        self.count(node, 0)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = self.name(node.targets[0].id, "赋值")
            self.assigned.add(target)
            value = self.expr(node.value, 1)

            def assign(frame: Frame, scope: MutableMapping[str, Any]) -> None:
                scope[target] = value(frame)

            return assign
        if isinstance(node, ast.Delete) and all(isinstance(t, ast.Name) for t in node.targets):
            names = [self.name(t.id, "del") for t in node.targets if isinstance(t, ast.Name)]

            def delete(frame: Frame, scope: MutableMapping[str, Any]) -> None:
                for name in names:
                    if name not in scope:
                        raise UndefinedName(name)
                    del scope[name]

            return delete
        raise ExpressionRefused(type(node).__name__, "脚本只能由“名称 = 表达式”和“del 名称”组成")


_EXPRESSIONS: dict[type[ast.AST], Callable[[_Builder, Any, int], Fn]] = {
    ast.Constant: _Builder.constant, ast.Name: _Builder.load, ast.Subscript: _Builder.subscript,
    ast.Compare: _Builder.compare, ast.BoolOp: _Builder.boolop, ast.UnaryOp: _Builder.unaryop,
    ast.BinOp: _Builder.binop, ast.IfExp: _Builder.ifexp, ast.List: _Builder.sequence,
    ast.Tuple: _Builder.sequence, ast.Dict: _Builder.dict_, ast.Call: _Builder.call,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Compiled:
    """A checked source: its closures, the functions it calls and the names it assigns."""

    source: str
    calls: frozenset[str]
    assigned: frozenset[str]
    body: Fn | None = None
    statements: tuple[Statement, ...] = ()

    def check_functions(self, functions: Collection[str]) -> None:
        """Refuse a call of a function that is not registered, or an assignment to one."""
        if not (self.calls or self.assigned):
            return
        unknown = sorted(self.calls.difference(functions))
        if unknown:
            raise ExpressionRefused("调用", f"未登记的流程函数：{', '.join(unknown)}", self.source)
        clash = sorted(self.assigned.intersection(functions))
        if clash:
            raise ExpressionRefused("赋值", f"不能给流程函数赋值：{', '.join(clash)}", self.source)


def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str):
        raise ExpressionRefused("来源", "表达式必须是字符串", repr(source)[:200])
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionRefused("长度", f"表达式超过 {MAX_SOURCE_CHARS} 个字符", source)
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as err:
        raise ExpressionRefused("语法错误", f"无法解析：{err.msg}", source) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionRefused("嵌套", "表达式过深或过大，无法解析", source) from None


def _located(err: ExpressionRefused, source: str) -> ExpressionRefused:
    if not err.source:
        err.source = source
    return err


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Compiled:
    """Parse and check an expression (cached per source); raise ExpressionRefused if outside the grammar."""
    tree = _parse(source.strip() if isinstance(source, str) else source, "eval")
    builder = _Builder()
    try:
        body = builder.expr(tree.body if isinstance(tree, ast.Expression) else tree, 0)
    except ExpressionRefused as err:
        raise _located(err, source) from None
    return Compiled(source, frozenset(builder.calls), frozenset(), body=body)


@lru_cache(maxsize=1024)
def compile_script(source: str) -> Compiled:
    """Parse and check a script (cached per source): only ``name = expression`` and ``del name``."""
    tree = _parse(source, "exec")
    body = tree.body if isinstance(tree, ast.Module) else []
    if len(body) > MAX_STATEMENTS:
        raise ExpressionRefused("规模", f"脚本超过 {MAX_STATEMENTS} 条语句", source)
    builder = _Builder()
    try:
        statements = tuple(builder.statement(stmt) for stmt in body)
    except ExpressionRefused as err:
        raise _located(err, source) from None
    return Compiled(source, frozenset(builder.calls), frozenset(builder.assigned), statements=statements)


def evaluate(
    source: str,
    data: Mapping[str, Any],
    functions: Mapping[str, Callable[..., Any]],
    external: Mapping[str, Any] | None = None,
) -> Any:
    """Evaluate an expression over task data (then ``external``), calling only ``functions``."""
    compiled = compile_expression(source)
    compiled.check_functions(functions)
    body = compiled.body
    if body is None:
        raise ExpressionRefused("来源", "这是脚本，不是表达式", source)
    try:
        return body(Frame(data, external, functions))
    except ExpressionRefused as err:
        raise _located(err, source) from None


def run_script(
    source: str,
    scope: MutableMapping[str, Any],
    functions: Mapping[str, Callable[..., Any]],
    external: Mapping[str, Any] | None = None,
) -> None:
    """Run a script's statements in order; assignments and deletions act on ``scope``."""
    compiled = compile_script(source)
    compiled.check_functions(functions)
    frame = Frame(scope, external, functions)
    try:
        for statement in compiled.statements:
            frame.tick()
            statement(frame, scope)
    except ExpressionRefused as err:
        raise _located(err, source) from None
