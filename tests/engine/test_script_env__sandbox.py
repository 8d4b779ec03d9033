"""The diagram sandbox: task data and registered functions only (issue: no arbitrary code in diagrams)."""

from __future__ import annotations

import pytest

from bpmn.script_env import SandboxEnvironment, UnsafeExpression, check_source


@pytest.fixture
def env() -> SandboxEnvironment:
    return SandboxEnvironment({"double": lambda x: 2 * x})


def test_evaluates_with_task_data_and_functions(env: SandboxEnvironment) -> None:
    assert env.evaluate("double(a) + 1", {"a": 4}) == 9
    assert env.evaluate('decision == "approve"', {"decision": "approve"}) is True


def test_script_assignments_land_in_task_data(env: SandboxEnvironment) -> None:
    data = {"a": 2, "drop": 1}
    env.execute("b = double(a)\ndel drop", data)
    assert data == {"a": 2, "b": 4}


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "eval('1')",
        "getattr(a, '__class__')",
    ],
)
def test_refuses_escapes(env: SandboxEnvironment, source: str) -> None:
    with pytest.raises((UnsafeExpression, NameError)):
        env.evaluate(source, {"a": 1})


def test_refuses_imports_in_scripts(env: SandboxEnvironment) -> None:
    with pytest.raises(UnsafeExpression):
        env.execute("import os", {})
    with pytest.raises(UnsafeExpression):
        check_source("from os import path", script=True)


def test_task_data_may_not_shadow_a_function(env: SandboxEnvironment) -> None:
    with pytest.raises(UnsafeExpression):
        env.execute("x = 1", {"double": 3})


def test_service_calls_are_refused(env: SandboxEnvironment) -> None:
    with pytest.raises(UnsafeExpression):
        env.call_service({}, operation="pay")
