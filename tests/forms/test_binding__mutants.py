"""Each form binds to its typed record field for field (forms/binding.py), through the validator: what a user
filed is what the rules see, and a left-out comment is empty (scenarios/README.md: forms and their fields).

Written against the mutants that survived the earlier suite or had no fast test (mutmut, issue 7).
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.records import (
    AssessmentResult,
    Investigation,
    KindResult,
    OpeningApplication,
    PaymentApproval,
    Recovery,
    Rectification,
    Review,
    SubsidyClaim,
)
from domain.vocab import AssessmentKind, Decision, InvestigationOutcome, PaymentDecision
from forms.task_definitions import definition, task_key
from forms.validator import validate


def _bound(form_id: str, data: dict[str, Any]) -> object:
    result = validate(form_id, data)
    assert result.ok, result.errors
    return result.unwrap()


def test_the_opening_application_keeps_every_text_field(application: dict[str, Any]) -> None:
    record = _bound("opening_application", application)
    assert isinstance(record, OpeningApplication)
    for key in (
        "institution",
        "contact_name",
        "contact_phone",
        "bank_name",
        "bank_account",
        "batch",
        "occupation",
    ):
        assert getattr(record, key) == application[key], key
        assert isinstance(getattr(record, key), str)


@pytest.mark.parametrize("form_id", ["opening_first_review", "opening_recheck", "claim_first_review"])
def test_a_review_keeps_its_comment_or_is_empty_without_one(form_id: str) -> None:
    assert _bound(form_id, {"decision": "return", "comment": "缺教学计划"}) == Review(
        Decision.RETURN, "缺教学计划"
    )
    assert _bound(form_id, {"decision": "approve"}) == Review(Decision.APPROVE, "")


def test_an_investigation_keeps_its_comment_or_is_empty_without_one() -> None:
    assert _bound(
        "objection_investigation", {"decision": "upheld_return", "comment": "属实"}
    ) == Investigation(InvestigationOutcome.UPHELD_RETURN, "属实")
    assert _bound("objection_investigation", {"decision": "dismissed"}) == Investigation(
        InvestigationOutcome.DISMISSED, ""
    )


def test_a_payment_approval_keeps_its_comment_or_is_empty_without_one() -> None:
    assert _bound("payment_approval", {"decision": "reject", "comment": "账户不符"}) == PaymentApproval(
        PaymentDecision.REJECT, "账户不符"
    )
    assert _bound("payment_approval", {"decision": "approve"}) == PaymentApproval(PaymentDecision.APPROVE, "")


def test_a_subsidy_claim_keeps_its_count_and_commitment() -> None:
    """004 (三)4: the claim with the signed commitment (a false one is refused by the domain, not here)."""
    assert _bound("subsidy_claim", {"claimed_count": 38, "commitment": True}) == SubsidyClaim(38, True)
    assert _bound("subsidy_claim", {"claimed_count": 0, "commitment": False}) == SubsidyClaim(0, False)


def test_a_recovery_keeps_its_amount_and_comment() -> None:
    """003 (十), 000 五: the money recovered after fraud on a paid case, in fen."""
    assert _bound("recovery", {"recovered_fen": 123_456, "comment": "已追回"}) == Recovery(123_456, "已追回")
    assert _bound("recovery", {"recovered_fen": 0}) == Recovery(0, "")


def test_a_rectification_keeps_the_institution_and_comment() -> None:
    """004 三(三): a suspended institution's rectification accepted."""
    assert _bound("rectification", {"institution": "济源技师学院", "comment": "整改到位"}) == Rectification(
        "济源技师学院", "整改到位"
    )
    assert _bound("rectification", {"institution": "济源技师学院"}) == Rectification("济源技师学院", "")


def test_an_assessment_result_keeps_each_kind_and_marks_a_left_out_count() -> None:
    """004 attachment 2: a kind's 取证人数 may be left to the list of certificates (0, not stated, until derived)."""
    record = _bound(
        "assessment_result",
        {
            "results": [
                {"kind": "职业技能等级认定", "participants": 40, "certified": 37},
                {"kind": "特种作业操作考核", "participants": 12},
            ],
            "satisfaction_pct": 96,
            "certified_total": 40,
            "certificates": [{"row": 1, "kind": "特种作业操作考核", "certificate_no": "T-1"}],
        },
    )
    assert isinstance(record, AssessmentResult)
    assert record.results == (
        KindResult(AssessmentKind.SKILL_LEVEL, 40, 37, certified_stated=True),
        KindResult(AssessmentKind.SPECIAL_OPERATION, 12, 0, certified_stated=False),
    )
    assert record.certified_total == 40  # noqa: PLR2004
    assert record.satisfaction_pct == 96.0 and isinstance(record.satisfaction_pct, float)  # noqa: PLR2004


@pytest.mark.parametrize(
    ("spec_id", "task"),
    [
        ("spot_check", "spot_check"),
        ("spot_check__more", "spot_check"),
        ("spot_check__more__again", "spot_check"),
        ("claim_first_review__resubmitted", "claim_first_review"),
    ],
)
def test_a_bpmn_task_id_names_the_task_before_its_first_double_underscore(spec_id: str, task: str) -> None:
    assert task_key(spec_id) == task
    found = definition(spec_id)
    assert found is not None and found.id == task


def test_an_id_of_no_task_has_no_definition() -> None:
    assert definition("objection") is None  # an event, not a user task
    assert definition("nothing__spot_check") is None


EVIDENCE = ("a" * 64, "b" * 64)


def test_the_forms_that_cite_evidence_keep_its_hashes_in_form_order() -> None:
    """004 (三)2 签到记录、影像资料 and 004 (三)4 申领材料: the files a form cites, in the order it cites them."""
    claim = _bound("subsidy_claim", {"claimed_count": 3, "commitment": True, "evidence": list(EVIDENCE)})
    assert claim == SubsidyClaim(3, True, evidence=EVIDENCE)
    assert _bound("subsidy_claim", {"claimed_count": 3, "commitment": True}) == SubsidyClaim(
        3, True, evidence=()
    )
    day = _bound(
        "opening_day_check",
        {"actual_count": 3, "sign_in": "paper", "materials_kept": True, "evidence": [EVIDENCE[1]]},
    )
    assert getattr(day, "evidence", None) == (EVIDENCE[1],)
    spot = {
        "date": "2026-03-25",
        "place": "实训楼",
        "teachers_present": 2,
        "attendance": 3,
        "evidence": list(EVIDENCE),
    }
    assert getattr(_bound("spot_check", spot), "evidence", None) == EVIDENCE
    result = _bound(
        "assessment_result",
        {
            "results": [{"kind": "结业考核", "participants": 3, "certified": 3}],
            "satisfaction_pct": 90,
            "evidence": [EVIDENCE[0]],
        },
    )
    assert getattr(result, "evidence", None) == (EVIDENCE[0],)
