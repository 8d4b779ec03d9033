"""bpmn/lint.py: each thing a modeler lets a process owner draw that we cannot run is named by element."""

from __future__ import annotations

import pytest

from bpmn.deployment import assemble
from bpmn.lint import LintFinding, lint_models
from domain.calendar import BusinessCalendar
from domain.policy import Policy

FILES = assemble(Policy(), BusinessCalendar())
CLAIM, OPENING, MAIN = "processes/claim.bpmn", "processes/opening.bpmn", "processes/subsidy_lifecycle.bpmn"
ROLE = '<spiffworkflow:property name="role" value="reviewer" />'


def _edited(file: str, old: str, new: str, files: dict[str, bytes] = FILES) -> dict[str, bytes]:
    text = files[file].decode()
    assert old in text
    return {**files, file: text.replace(old, new, 1).encode()}


def _ids(found: list[LintFinding]) -> set[tuple[str, str]]:
    return {(f.file, f.element_id) for f in found}


def test_the_shipped_models_pass() -> None:
    assert lint_models(FILES) == []


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("", "没有声明角色"),
        ('<spiffworkflow:property name="role" value="janitor" />', "不是已知角色"),
        ('<spiffworkflow:property name="role" value="approver" />', "与任务定义的角色 reviewer 不一致"),
    ],
)
def test_a_user_task_needs_a_known_declared_role_matching_its_definition(new: str, message: str) -> None:
    found = lint_models(_edited(CLAIM, ROLE, new))
    assert any(f.element_id == "claim_first_review" and message in f.message for f in found), found


def test_a_user_task_in_a_lane_of_another_role_is_named() -> None:
    files = _edited(CLAIM, "<bpmn:flowNodeRef>claim_first_review</bpmn:flowNodeRef>", "")
    files = _edited(CLAIM, "<bpmn:flowNodeRef>claim_recheck</bpmn:flowNodeRef>",
                    "<bpmn:flowNodeRef>claim_recheck</bpmn:flowNodeRef><bpmn:flowNodeRef>claim_first_review</bpmn:flowNodeRef>", files)  # fmt: skip
    (finding,) = lint_models(files)
    assert finding.element_id == "claim_first_review" and "泳道 rechecker" in finding.message


def test_a_user_task_without_its_form_or_definition_is_named() -> None:
    files = {k: v for k, v in FILES.items() if k != "forms/claim_first_review.json"}
    assert _ids(lint_models(files)) == {(CLAIM, "claim_first_review")}
    renamed = _edited(CLAIM, 'id="claim_first_review" ', 'id="claim_first_look" ')
    assert (CLAIM, "claim_first_look") in _ids(lint_models(renamed))


@pytest.mark.parametrize(
    "timer", ["PT1S", "opening_review_deadline('2026-01-01')", "system(start_date)", "(("]
)
def test_a_timer_must_be_a_registered_deadline_function_of_task_data(timer: str) -> None:
    found = lint_models(_edited(OPENING, "opening_review_deadline(start_date)", timer))
    assert _ids(found) == {(OPENING, "sla_opening_review")}
    assert "期限函数" in found[0].message or "无法解析" in found[0].message


def test_an_exclusive_gateway_needs_a_default_or_conditions_everywhere() -> None:
    found = lint_models(_edited(CLAIM, ' default="claim_recheck_gw_reject"', ""))
    assert _ids(found) == {(CLAIM, "claim_recheck_gw")} and "claim_recheck_gw_reject" in found[0].message


def test_an_element_no_flow_reaches_is_named_and_a_boundary_event_counts() -> None:
    found = lint_models(_edited(CLAIM, 'sourceRef="claim_recheck" targetRef="claim_recheck_gw"',
                                'sourceRef="claim_recheck" targetRef="claim_recheck"'))  # fmt: skip
    assert (CLAIM, "claim_recheck_gw") in _ids(found)
    assert all(f.element_id != "sla_claim_review" for f in found)  # reached through its activity


def test_a_call_activity_must_call_a_process_of_the_set() -> None:
    found = lint_models(_edited(MAIN, 'calledElement="claim"', 'calledElement="claims"'))
    assert _ids(found) == {(MAIN, "call_claim")} and "'claims'" in found[0].message


def test_a_unique_table_with_overlapping_literal_rows_is_named() -> None:
    dmn = "decisions/subsidy_standard.dmn"
    files = _edited(dmn, 'hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    assert lint_models(files) == []  # the level-wide rows are disjoint
    files = _edited(dmn, '<text>"中级工"</text>', '<text>"初级工","中级工"</text>', files)
    (finding,) = lint_models(files)
    assert finding.element_id == "subsidy_standard_table"
    assert "subsidy_standard_rule_1" in finding.message and "subsidy_standard_rule_2" in finding.message
