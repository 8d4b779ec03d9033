"""A corpus of sandbox escapes and resource attacks: every one is refused at deploy time and at run time.

Deploy time: ``check_source`` and ``check_model_expressions`` on a shipped model with the escape
written into a gateway condition (expressions) or a script task (statements). Run time: the
same source handed straight to the environment, as if written into the store behind the app's
back. The refusal is always ``ExpressionRefused`` (never RecursionError, MemoryError, a hang, or
a side effect).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from bpmn.expressions import ExpressionRefused
from bpmn.model_lint import ModelExpressionRefused, check_model_expressions
from bpmn.script_env import SandboxEnvironment, check_source

MODELS = Path(__file__).resolve().parents[2] / "bpmn"
CLAIM = (MODELS / "processes" / "claim.bpmn").read_text(encoding="utf-8")
CONDITION = 'decision == "approve"'
CONDITION_OWNER = "claim_first_review_gw_approve"
SCRIPT = 'claim_outcome = "approved"'
SCRIPT_OWNER = "set_claim_approved"

FRAME_WALK = "(x for x in []).gi_frame.f_back.f_back.f_builtins['__import__']('os').system('true')"
EXPRESSIONS = {
    "generator frame walk": FRAME_WALK,
    "generator frame": "(x for x in []).gi_frame",
    "coroutine frame via lambda": "(lambda: (yield))().gi_frame.f_back",
    "code object": "(lambda: 0).__code__",
    "class bases subclasses": "().__class__.__bases__[0].__subclasses__()",
    "mro": "''.__class__.__mro__[-1].__subclasses__()",
    "function globals": "compute_subsidy.__globals__",
    "builtins name": "__builtins__",
    "builtins subscript": "__builtins__['open']('/etc/passwd')",
    "dunder import": "__import__('os').system('true')",
    "dunder name in data": "__name__",
    "private name": "_secret",
    "getattr": "getattr(a, '__class__')",
    "type": "type(a)",
    "type 3 args": "type('X', (), {})",
    "vars": "vars()",
    "globals": "globals()",
    "locals": "locals()",
    "open": "open('/etc/passwd')",
    "eval": "eval('1')",
    "exec call": "exec('import os')",
    "compile": "compile('1', 'x', 'eval')",
    "breakpoint": "breakpoint()",
    "str.format": "'{0.__globals__}'.format(compute_subsidy)",
    "format_map": "'{a.__class__}'.format_map({'a': 1})",
    "percent formatting": "'%s' % a",
    "percent formatting dict": "'%(a)s' % {'a': 1}",
    "f-string": "f'{a}'",
    "f-string dunder": "f'{a.__class__}'",
    "lambda": "lambda: 1",
    "list comprehension": "[x for x in a]",
    "set comprehension": "{x for x in a}",
    "dict comprehension": "{x: x for x in a}",
    "generator expression": "list(x for x in a)",
    "walrus": "(b := 1)",
    "starred call": "compute_eligible(*a)",
    "starred list": "[*a]",
    "double star call": "compute_eligible(**a)",
    "double star dict": "{**a}",
    "slice": "a[::1]",
    "set literal": "{1, 2}",
    "power": "9**9**9",
    "power literal": "10**100000",
    "small power": "2**2",
    "string repetition": "'a'*10**9",
    "string repetition folded": "'a' * 1000000000",
    "string repetition product": "'a' * (100000 * 100000)",
    "list repetition": "[0]*10**9",
    "small list repetition": "[0] * 3",
    "tuple repetition": "3 * (0,)",
    "huge int literal": "1" + "0" * 19,
    "huge float literal": "1e300",
    "int overflow": "999999999999999999 * 10",
    "invert": "~a",
    "shift": "1 << 64",
    "bitwise": "a | 1",
    "matmul": "a @ a",
    "attribute": "a.real",
    "method call": "'x'.upper()",
    "ellipsis": "...",
    "bytes": "b'x'",
    "complex": "1j",
    "await": "await a",
    "yield": "(yield)",
    "unregistered function": "system('true')",
    "data name called": "a(1)",
    "very long": "a + " * 1100 + "a",
    "huge flat list": "[" + "0, " * 1200 + "0]",
    "nested parentheses": "(" * 300 + "a" + ")" * 300,
    "nested lists": "[" * 60 + "]" * 60,
    "nested not": "not " * 900 + "a",
    "nested minus": "-" * 3900 + "1",
    "nested subscripts": "a" + "[0]" * 200,
    "nested calls": "compute_eligible(" * 100 + "a" + ")" * 100,
}
STATEMENTS = {
    "while true": "while True:\n    pass",
    "for": "for i in range(10**9):\n    pass",
    "if": "if a:\n    b = 1",
    "import": "import os",
    "import from": "from os import path",
    "exec statement": "exec('import os')",
    "bare call": "compute_eligible(1, 2, 3)",
    "eval assigned": "b = eval('1')",
    "def": "def f():\n    return 1",
    "class": "class A:\n    pass",
    "global": "global a",
    "try": "try:\n    b = 1\nexcept Exception:\n    pass",
    "with": "with open('x') as f:\n    pass",
    "augmented assignment": "a += 1",
    "annotated assignment": "b: int = 1",
    "chained assignment": "b = c = 1",
    "attribute assignment": "a.b = 1",
    "subscript assignment": "a[0] = 1",
    "tuple unpacking": "b, c = 1, 2",
    "assert": "assert False",
    "raise": "raise SystemExit",
    "del attribute": "del a.b",
    "del subscript": "del a[0]",
    "return": "return 1",
    "lambda assigned": "f = lambda: 1",
    "function shadowed": "compute_eligible = 1",
    "dunder assigned": "__builtins__ = {}",
    "too many statements": "\n".join(f"b{i} = {i}" for i in range(60)),
    "escape in second statement": f"b = 1\nc = {FRAME_WALK}",
}


@pytest.fixture
def env() -> SandboxEnvironment:
    functions: dict[str, Any] = {"compute_eligible": min, "compute_subsidy": lambda *a: {}}
    return SandboxEnvironment(functions)


@pytest.mark.parametrize("source", EXPRESSIONS.values(), ids=EXPRESSIONS.keys())
def test_expression_is_refused_at_deploy_time(source: str) -> None:
    with pytest.raises(ExpressionRefused) as caught:
        check_source(source)
    assert type(caught.value) is ExpressionRefused
    assert "流程表达式被拒绝" in str(caught.value)


@pytest.mark.parametrize("source", EXPRESSIONS.values(), ids=EXPRESSIONS.keys())
def test_expression_is_refused_in_a_model(source: str) -> None:
    assert CLAIM.count(CONDITION) >= 1
    hostile = CLAIM.replace(CONDITION, escape(source), 1)
    with pytest.raises(ModelExpressionRefused) as caught:
        check_model_expressions({"processes/claim.bpmn": hostile.encode()})
    assert caught.value.file == "processes/claim.bpmn"
    assert caught.value.element_id == CONDITION_OWNER
    assert CONDITION_OWNER in str(caught.value)


@pytest.mark.parametrize("source", EXPRESSIONS.values(), ids=EXPRESSIONS.keys())
def test_expression_is_refused_at_run_time(env: SandboxEnvironment, source: str) -> None:
    data = {"a": [1, 2], "__name__": "x", "_secret": 1}
    with pytest.raises(ExpressionRefused):
        env.evaluate(source, data)
    with pytest.raises(ExpressionRefused):
        env.evaluate(source, data, external_context={"dmninputexpr": 1})


@pytest.mark.parametrize("source", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_script_is_refused_at_deploy_time(source: str) -> None:
    with pytest.raises(ExpressionRefused):
        check_source(source, script=True)


@pytest.mark.parametrize("source", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_script_is_refused_in_a_model(source: str) -> None:
    hostile = CLAIM.replace(SCRIPT, escape(source), 1)
    with pytest.raises(ModelExpressionRefused) as caught:
        check_model_expressions({"processes/claim.bpmn": hostile.encode()})
    assert caught.value.element_id == SCRIPT_OWNER


@pytest.mark.parametrize("source", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_script_is_refused_at_run_time_and_leaves_the_data(env: SandboxEnvironment, source: str) -> None:
    data: dict[str, Any] = {"a": [1, 2]}
    with pytest.raises(ExpressionRefused):
        env.execute(source, data)
    assert data == {"a": [1, 2]}


@pytest.mark.parametrize("source", EXPRESSIONS.values(), ids=EXPRESSIONS.keys())
def test_expression_escapes_are_refused_as_script_right_hand_sides(
    env: SandboxEnvironment, source: str
) -> None:
    with pytest.raises(ExpressionRefused):
        env.execute(f"b = {source}", {"a": [1, 2]})


# Attacks that only data can carry: the source is in the grammar, the values are hostile.
DATA_ATTACKS = {
    "string repetition from data": ("s * n", {"s": "a", "n": 10**9}),
    "string doubling from data": ("s + s", {"s": "a" * 60_000}),
    "list repetition from data": ("l * n", {"l": [0], "n": 3}),
    "list concatenation from data": ("l + l", {"l": [0] * 6_000}),
    "percent formatting from data": ("s % n", {"s": "%s", "n": 1}),
    "int beyond the bound": ("n + 1", {"n": 10**19}),
    "float overflow": ("x * x", {"x": 1e17}),
    "infinite float": ("x + 1", {"x": float("inf")}),
    "negative of a string": ("-s", {"s": "a"}),
    "subscript of an object": ("o[0]", {"o": object()}),
    "membership in an object": ("1 in o", {"o": object()}),
    "function as a value": ("compute_eligible", {}),
}


@pytest.mark.parametrize(("source", "data"), DATA_ATTACKS.values(), ids=DATA_ATTACKS.keys())
def test_hostile_data_is_refused_at_run_time(
    env: SandboxEnvironment, source: str, data: dict[str, Any]
) -> None:
    check_source(source, functions=())
    with pytest.raises(ExpressionRefused):
        env.evaluate(source, data)
