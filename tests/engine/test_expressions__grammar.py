"""What the closed expression language allows evaluates as Python would; the shipped models are in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bpmn import expression_values
from bpmn.expressions import ExpressionRefused, UndefinedName, compile_expression, evaluate, run_script
from bpmn.model_lint import ModelExpressionRefused, check_model_expressions, model_expressions
from bpmn.script_env import FUNCTION_NAMES, SandboxEnvironment, lifecycle_functions
from domain.calendar import BusinessCalendar
from domain.policy import Policy

MODELS = Path(__file__).resolve().parents[2] / "bpmn"
FILES = {
    str(p.relative_to(MODELS)): p.read_bytes()
    for p in sorted([*MODELS.glob("processes/*.bpmn"), *MODELS.glob("decisions/*.dmn")])
}
FUNCTIONS: dict[str, Any] = {"double": lambda x: 2 * x, "pair": lambda a, b=0: [a, b]}
DATA: dict[str, Any] = {
    "a": 4, "b": 2.5, "s": "中级工", "t": "", "l": [1, 2, 3], "d": {"amount_fen": 120000, "k": [5]},
    "yes": True, "no": False, "nothing": None,
}  # fmt: skip

ALLOWED = [
    "1", "-1", "+a", "1.5", "'x'", '"中级工"', "True", "None", "[1, 'a', None]", "(1,)", "()", "{'k': a, 1: 2}",
    "a", "d['amount_fen']", "d[\"k\"][0]", "l[-1]", "s[0]", "d[s[0] if no else 'k']",
    "a == 4", "a != 4", "a < b", "a <= 4 < 5", "1 < a < 3", "s == '中级工'", "'级' in s", "5 not in l",
    "nothing is None", "a is not None", "'k' in d",
    "yes and a", "no and a", "no or t or a", "t or no", "not yes", "not t", "yes and not no or a",
    "a + 1", "a - b", "a * b", "a / 8", "a // 3", "a % 3", "-a * 2 + 3", "s + '工'", "l + [4]", "(1,) + (2,)",
    "'ab' * 3", "3 * 'ab'", "a if yes else b", "a if no else b if yes else 0",
    "double(a)", "double(a) + 1", "pair(1, b=a)", "pair(a)", "double(d['amount_fen']) // 100",
    "(a) == (4)", "(s) == (\"中级工\")", "a> 3",
]  # fmt: skip


@pytest.mark.parametrize("source", ALLOWED)
def test_allowed_expressions_evaluate_as_python_does(source: str) -> None:
    expected = eval(source, {"__builtins__": {}}, {**FUNCTIONS, **DATA})  # noqa: S307 - the test's own oracle
    got = evaluate(source, DATA, FUNCTIONS)
    assert got == expected
    assert type(got) is type(expected)


def test_errors_python_raises_are_kept() -> None:
    with pytest.raises(ZeroDivisionError):
        evaluate("a / 0", DATA, FUNCTIONS)
    with pytest.raises(KeyError):
        evaluate("d['missing']", DATA, FUNCTIONS)
    with pytest.raises(UndefinedName, match="流程数据中没有名称 missing"):
        evaluate("missing == 1", DATA, FUNCTIONS)
    with pytest.raises(NameError):
        evaluate("missing", DATA, FUNCTIONS)
    assert evaluate("no and missing", DATA, FUNCTIONS) is False  # short-circuit, as in Python


def test_names_come_from_data_before_the_external_context() -> None:
    assert evaluate("x + y", {"x": 1}, {}, {"x": 100, "y": 10}) == 11


def test_bounds_of_results() -> None:
    assert evaluate("n * 10", {"n": 10**17}, {}) == 10**18
    with pytest.raises(ExpressionRefused, match="数值范围"):
        evaluate("n * 10 + 1", {"n": 10**17}, {})
    assert len(evaluate("s * 100000", {"s": "a"}, {})) == 100_000
    with pytest.raises(ExpressionRefused, match="长度"):
        evaluate("s * 100001", {"s": "a"}, {})


def test_the_step_budget_stops_an_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expression_values, "MAX_STEPS", 3)
    assert evaluate("a + a", DATA, {}) == 8
    with pytest.raises(ExpressionRefused, match="步数"):
        evaluate("a + a + a + a", DATA, {})


def test_parsing_is_cached_per_source() -> None:
    source = "a + 12345 == 12349"
    compile_expression(source)
    hits = compile_expression.cache_info().hits
    assert evaluate(source, DATA, {}) is True
    assert compile_expression.cache_info().hits == hits + 1


def test_scripts_assign_and_delete_in_order() -> None:
    scope: dict[str, Any] = {"a": 2, "drop": 1}
    run_script('x = double(a)\ny = x + 1\nz = {"k": y}\nw = z["k"]\ndel drop, z', scope, FUNCTIONS)
    assert scope == {"a": 2, "x": 4, "y": 5, "w": 5}
    with pytest.raises(NameError):
        run_script("del never", {}, FUNCTIONS)


def test_function_names_are_the_registered_functions() -> None:
    assert tuple(lifecycle_functions(Policy(), BusinessCalendar())) == FUNCTION_NAMES


def test_every_expression_of_the_shipped_models_passes_the_checker() -> None:
    found = list(model_expressions(FILES))
    assert {f.file for f in found} == set(FILES)
    assert sum(f.script for f in found) >= 20
    assert any("claim_review_deadline(claim_date)" == f.source for f in found)  # timers are found
    # DMN cells: FEEL translated (bpmn/dmn_feel.py), then combined with the input as Spiff does
    assert any(f.source == 'dmninputexpr == "中级工"' for f in found)
    check_model_expressions(FILES)


SAMPLE: dict[str, Any] = {
    "decision": "return", "opening_outcome": "approved", "claim_outcome": "returned", "notice_outcome": "passed",
    "payment_outcome": "paid", "supervision_outcome": "cancelled", "below_satisfaction": False, "cancelled": True,
    "spot_attendances": [40, 38], "start_date": "2026-03-02", "claim_date": "2026-05-11", "today": "2026-05-11",
    "notice_end": "2026-05-20", "actual_count": 45, "planned_count": 50, "opening_count": 45,
    "satisfaction_pct": 80, "claimed_count": 45, "certified": 44, "attendance_base": 45, "eligible": 44,
    "standard_yuan": 1200, "level": "中级工", "notice_start": "2026-05-12", "occupation": "焊工",
    "dmninputexpr": "中级工",  # a translated DMN cell reads the input as `?` (bpmn/dmn_feel.py)
}  # fmt: skip


def test_every_shipped_expression_evaluates_as_python_did() -> None:
    functions = lifecycle_functions(Policy(), BusinessCalendar())
    env = SandboxEnvironment(functions)
    checked = 0
    for found in model_expressions(FILES):
        if found.script:
            ours, theirs = dict(SAMPLE), dict(SAMPLE)
            env.execute(found.source, ours)
            scope = {"__builtins__": {}, **functions, **theirs}
            exec(found.source, scope)  # noqa: S102 - the test's own oracle on the shipped models
            theirs = {k: v for k, v in scope.items() if k != "__builtins__" and k not in functions}
            assert ours == theirs, found
        else:
            expected = eval(found.source, {"__builtins__": {}, **functions}, SAMPLE)  # noqa: S307 - oracle
            assert env.evaluate(found.source, SAMPLE) == expected, found
        checked += 1
    assert checked >= 70


def _hostile(file: str, old: str, new: str) -> dict[str, bytes]:
    text = FILES[file].decode()
    assert old in text
    return {**FILES, file: text.replace(old, new, 1).encode()}


def test_a_hostile_condition_is_refused_naming_the_flow() -> None:
    files = _hostile(
        "processes/claim.bpmn", 'decision == "approve"', "().__class__.__bases__[0].__subclasses__()"
    )
    with pytest.raises(ModelExpressionRefused) as caught:
        check_model_expressions(files)
    err = caught.value
    assert (err.file, err.element_id, err.element_name) == (
        "processes/claim.bpmn",
        "claim_first_review_gw_approve",
        "通过",
    )
    assert "claim_first_review_gw_approve" in str(err) and "__subclasses__" in str(err)
    assert err.construct == "调用"  # a call of something other than a registered name


def test_a_hostile_dmn_cell_is_refused_naming_the_entry() -> None:
    files = _hostile("decisions/subsidy_standard.dmn", '"中级工"', "(x for x in []).gi_frame")
    with pytest.raises(ModelExpressionRefused) as caught:
        check_model_expressions(files)
    assert caught.value.element_id == "subsidy_standard_rule_2_level"
    assert "subsidy_standard_rule_2_level" in str(caught.value)


def test_a_hostile_dmn_output_and_an_unregistered_call_are_refused() -> None:
    files = _hostile(
        "decisions/subsidy_standard.dmn",
        "<text>policy_standard(&quot;中级工&quot;)</text>",
        "<text>__import__('os')</text>",
    )
    with pytest.raises(ModelExpressionRefused, match="subsidy_standard_rule_2_yuan"):
        check_model_expressions(files)
    files = _hostile("processes/payment.bpmn", "payment_deadline(notice_end)", "system(notice_end)")
    with pytest.raises(ModelExpressionRefused, match="未登记的流程函数：system"):
        check_model_expressions(files)


def test_dmn_cells_with_comparison_and_question_mark_are_combined_as_spiff_does() -> None:
    files = _hostile("decisions/subsidy_standard.dmn", '"中级工"', "? in (&quot;中级工&quot;, &quot;x&quot;)")
    sources = {f.source for f in model_expressions(files)}
    assert 'dmninputexpr in ("中级工", "x")' in sources
    check_model_expressions(files)
    files = _hostile("decisions/subsidy_standard.dmn", '"中级工"', '&gt; "a"')  # FEEL comparison, translated
    assert 'dmninputexpr > "a"' in {f.source for f in model_expressions(files)}
    check_model_expressions(files)
    files = _hostile("decisions/subsidy_standard.dmn", '"中级工"', "&gt; 'a'")  # not FEEL: refused (dmn_feel)
    with pytest.raises(ModelExpressionRefused, match="subsidy_standard_rule_2_level"):
        check_model_expressions(files)


def test_files_other_than_models_are_ignored() -> None:
    check_model_expressions({**FILES, "policy.json": b"{}", "forms/x.yaml": b"not: xml"})


def test_a_dmn_input_without_an_expression_is_refused() -> None:
    files = _hostile("decisions/subsidy_standard.dmn", "<text>level</text>", "<text></text>")
    with pytest.raises(ModelExpressionRefused, match="语法错误"):
        check_model_expressions(files)
