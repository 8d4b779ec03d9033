"""The diagram environment: task data and registered functions only, run by the closed-language interpreter."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn import script_env
from bpmn.expressions import ExpressionRefused
from bpmn.script_env import SandboxEnvironment, UnsafeExpression, check_source


@pytest.fixture
def env() -> SandboxEnvironment:
    return SandboxEnvironment({"double": lambda x: 2 * x})


def test_no_eval_or_exec_in_the_environment() -> None:
    import inspect

    from bpmn import expressions

    for module in (script_env, expressions):
        code = inspect.getsource(module)
        for banned in ("eval(", "exec(", "compile(", "__import__", "getattr("):
            assert banned not in code.replace("ast.parse", ""), (module.__name__, banned)


def test_evaluates_with_task_data_and_functions(env: SandboxEnvironment) -> None:
    assert env.evaluate("double(a) + 1", {"a": 4}) == 9
    assert env.evaluate('decision == "approve"', {"decision": "approve"}) is True


def test_external_context_is_visible_and_the_data_wins(env: SandboxEnvironment) -> None:
    assert env.evaluate("dmninputexpr == level", {"level": "x"}, {"dmninputexpr": "x"}) is True
    assert env.evaluate("a", {"a": 1}, {"a": 2}) == 1


def test_script_assignments_land_in_task_data(env: SandboxEnvironment) -> None:
    data = {"a": 2, "drop": 1}
    assert env.execute("b = double(a)\ndel drop", data) is True
    assert data == {"a": 2, "b": 4}


def test_script_reads_but_does_not_write_the_external_context(env: SandboxEnvironment) -> None:
    data: dict[str, Any] = {"a": 1}
    env.execute("obj = obj + a\nb = obj", data, {"obj": 10})
    assert data == {"a": 1, "b": 11}


def test_a_failing_script_leaves_the_task_data_untouched(env: SandboxEnvironment) -> None:
    data: dict[str, Any] = {"a": 1}
    with pytest.raises(ZeroDivisionError):
        env.execute("b = 2\na = a / 0", data)
    assert data == {"a": 1}


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "eval('1')",
        "getattr(a, '__class__')",
        "len(a)",
    ],
)
def test_refuses_escapes(env: SandboxEnvironment, source: str) -> None:
    with pytest.raises(UnsafeExpression):
        env.evaluate(source, {"a": 1})
    with pytest.raises(UnsafeExpression):
        check_source(source)


def test_unsafe_expression_is_the_refusal() -> None:
    assert UnsafeExpression is ExpressionRefused
    assert issubclass(UnsafeExpression, ValueError)


def test_refuses_imports_in_scripts(env: SandboxEnvironment) -> None:
    with pytest.raises(UnsafeExpression):
        env.execute("import os", {})
    with pytest.raises(UnsafeExpression):
        check_source("from os import path", script=True)


def test_check_source_knows_the_registered_functions() -> None:
    check_source("claim_review_deadline(claim_date)")
    with pytest.raises(UnsafeExpression, match="未登记的流程函数"):
        check_source("double(a)")
    check_source("double(a)", functions={"double"})


def test_task_data_may_not_shadow_a_function(env: SandboxEnvironment) -> None:
    with pytest.raises(UnsafeExpression):
        env.execute("x = 1", {"double": 3})
    with pytest.raises(UnsafeExpression):
        env.execute("double = 1", {})


def test_service_calls_are_refused(env: SandboxEnvironment) -> None:
    with pytest.raises(UnsafeExpression):
        env.call_service({}, operation="pay")
