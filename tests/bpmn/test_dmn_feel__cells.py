"""FEEL unary tests as dmn-js writes them: translated into the closed language, or refused naming the cell."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from bpmn.deployment import assemble, content_hash, model_files
from bpmn.dmn_feel import FeelRefused, translate_dmn, unary_test, unique_overlaps
from bpmn.engine import deploy
from bpmn.engine.decision_tables import DecisionNotUnique
from bpmn.model_lint import ModelExpressionRefused, check_model_expressions
from domain.calendar import BusinessCalendar
from domain.policy import Policy

DMN = "decisions/subsidy_standard.dmn"


@pytest.mark.parametrize(
    ("cell", "expression"),
    [
        ('"初级工"', '? == "初级工"'),
        ('"初级工","中级工"', '? in ("初级工", "中级工")'),
        ("[1..5]", "1 <= ? and ? <= 5"),
        ("(1..5]", "1 < ? and ? <= 5"),
        ("]1..5[", "1 < ? and ? < 5"),
        ("< 10", "? < 10"),
        (">= 3", "? >= 3"),
        ("-", None),
        ("", None),
        ('not("x")', 'not (? == "x")'),
        ('not("a", "b")', 'not (? in ("a", "b"))'),
        ("true", "? == True"),
        ("-2.5", "? == -2.5"),
        ("< 3, > 8", "(? < 3) or (? > 8)"),
    ],
)
def test_each_feel_cell_becomes_a_closed_language_expression(cell: str, expression: str | None) -> None:
    assert unary_test(cell).expression == expression


def test_a_cell_over_the_question_mark_is_spiffs_own_form_and_kept() -> None:
    assert unary_test('? in ("a", "b")').expression == '? in ("a", "b")'


@pytest.mark.parametrize("cell", ["'初级工'", "level > 5", "[1..5", 'date("2024-01-01")', '"a?"'])
def test_what_is_not_feel_we_translate_is_refused_naming_the_cell(cell: str) -> None:
    with pytest.raises(FeelRefused) as refused:
        unary_test(cell, "rule_7_level")
    assert refused.value.element_id == "rule_7_level"


def _table(hit_policy: str, rows: list[tuple[str, str, str]], *, aggregation: str = "") -> bytes:
    """A subsidy_standard table (level, occupation → standard_yuan) with these rows and hit policy."""
    rules = "".join(
        f'<rule id="r{i}"><inputEntry id="r{i}_level"><text>{level}</text></inputEntry>'
        f'<inputEntry id="r{i}_occupation"><text>{occupation}</text></inputEntry>'
        f'<outputEntry id="r{i}_out"><text>{out}</text></outputEntry></rule>'
        for i, (level, occupation, out) in enumerate(rows, 1)
    )
    policy = f' hitPolicy="{hit_policy}"' if hit_policy else ""
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">'
        f'<decision id="subsidy_standard" name="补贴标准"><decisionTable id="t"{policy}{agg}>'
        '<input id="i1" label="等级"><inputExpression id="e1" typeRef="string"><text>level</text></inputExpression></input>'
        '<input id="i2" label="职业"><inputExpression id="e2" typeRef="string"><text>occupation</text></inputExpression></input>'
        f'<output id="o" name="standard_yuan" typeRef="integer"/>{rules}</decisionTable></decision></definitions>'
    ).encode()


def _decide(dmn: bytes, **data: Any) -> dict[str, Any]:
    """Evaluate the table as the claim's businessRuleTask would, on a deployment holding it."""
    deployment = deploy(assemble(Policy(), BusinessCalendar(), models={**model_files(), DMN: dmn}))
    spec = deployment.subprocess_specs["claim"].task_specs["subsidy_standard_lookup"]
    engine = PythonScriptEngine(environment=deployment.environment)
    task = SimpleNamespace(data=data, workflow=SimpleNamespace(script_engine=engine), task_spec=spec)
    return dict(spec.dmnEngine.result(task))


def test_a_feel_list_matches_each_of_its_values_and_first_takes_the_occupation_row() -> None:
    dmn = _table("FIRST", [
        ('"初级工","中级工"', '"焊工"', "999"),
        ('"初级工"', "-", 'policy_standard("初级工")'),
        ('"中级工"', "-", 'policy_standard("中级工")'),
    ])  # fmt: skip
    assert _decide(dmn, level="中级工", occupation="焊工") == {"standard_yuan": 999}
    assert _decide(dmn, level="初级工", occupation="焊工") == {"standard_yuan": 999}
    assert _decide(dmn, level="初级工", occupation="电工") == {"standard_yuan": 800}
    assert _decide(dmn, level="中级工", occupation="电工") == {"standard_yuan": 1200}


def test_unique_is_checked_at_evaluation_and_at_deploy_for_literal_cells() -> None:
    dmn = _table("", [('"初级工"', '"焊工"', "1"), ('"初级工","中级工"', "-", "2"), ('"高级工"', "-", "3")])
    assert unique_overlaps(dmn) == [("t", "r1", "r2")]
    assert _decide(dmn, level="高级工", occupation="焊工") == {"standard_yuan": 3}
    with pytest.raises(DecisionNotUnique, match="r1、r2"):
        _decide(dmn, level="初级工", occupation="焊工")
    disjoint = _table("UNIQUE", [("[1..5]", "-", "1"), ("(5..9]", "-", "2"), ("> 9", "-", "3")])
    assert unique_overlaps(disjoint) == []
    assert unique_overlaps(_table("UNIQUE", [("[1..5]", "-", "1"), (">= 5", "-", "2")])) == [
        ("t", "r1", "r2")
    ]


@pytest.mark.parametrize(
    ("aggregation", "expected"), [("", [100, 20]), ("SUM", 120), ("COUNT", 2), ("MIN", 20), ("MAX", 100)]
)
def test_collect_with_and_without_aggregation(aggregation: str, expected: object) -> None:
    dmn = _table(
        "COLLECT",
        [("-", "-", "100"), ('"初级工"', "-", "20"), ('"中级工"', "-", "7")],
        aggregation=aggregation,
    )
    assert _decide(dmn, level="初级工", occupation="焊工") == {"standard_yuan": expected}


def test_ranges_and_comparisons_are_evaluated_with_their_feel_meaning() -> None:
    dmn = _table("FIRST", [("-", "[1..5]", "1"), ("-", "(5..10)", "2"), ("-", ">= 10", "3"), ("-", "-", "4")])
    results = {n: _decide(dmn, level="x", occupation=n)["standard_yuan"] for n in (0, 1, 5, 6, 10, 11)}
    assert results == {0: 4, 1: 1, 5: 1, 6: 2, 10: 3, 11: 3}


def test_the_stored_file_keeps_the_owners_text_and_its_hash_while_the_parsed_copy_is_translated() -> None:
    shipped = model_files()[DMN]
    assert translate_dmn(shipped) == translate_dmn(shipped)  # deterministic
    assert b'? == "' in translate_dmn(shipped) and b'? == "' not in shipped
    files = assemble(Policy(), BusinessCalendar())
    assert deploy(files).files[DMN] == shipped
    assert deploy(files).id == content_hash(files.items())


def test_a_bad_cell_or_hit_policy_refuses_the_deployment_naming_it() -> None:
    with pytest.raises(ModelExpressionRefused) as refused:
        check_model_expressions({DMN: _table("FIRST", [("'初级工'", "-", "1")])})
    assert refused.value.element_id == "r1_level" and DMN in str(refused.value)
    with pytest.raises(ModelExpressionRefused, match="PRIORITY"):
        check_model_expressions({DMN: _table("PRIORITY", [('"初级工"', "-", "1")])})
    with pytest.raises(ModelExpressionRefused) as hostile:
        check_model_expressions({DMN: _table("FIRST", [('"初级工"', "-", "__import__('os')")])})
    assert hostile.value.element_id == "r1_out"
