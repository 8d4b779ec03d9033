"""public_notice.bpmn: the notice waits for its end or an objection (004 (三)4)."""

from __future__ import annotations

from typing import Any


def test_objection_dismissed_during_the_notice_then_the_notice_closes(resume_case: Any) -> None:
    case = resume_case("notice")
    case.at("2026-05-01T20:00:00+08:00").send("objection", {"text": "有学员未参加培训"})
    assert case.ready() == ["objection_investigation"]
    assert case.data_of("objection_investigation")["objection"] == {"text": "有学员未参加培训"}

    case.at("2026-05-02T10:00:00+08:00").complete(
        "objection_investigation", decision="dismissed", comment="属实"
    )
    assert case.ready() == []
    assert case.waiting() == ["fraud_reported", "notice_wait"]  # waiting again, same closing time
    case.at("2026-05-02T23:59:00+08:00")
    assert case.ready() == []
    case.at("2026-05-03T00:00:00+08:00")
    assert case.ready() == ["payment_approval"]
    assert case.data_of("payment_approval")["notice_outcome"] == "passed"


def test_objection_dismissed_after_the_notice_end_closes_it_at_once(resume_case: Any) -> None:
    case = resume_case("notice")
    case.at("2026-05-02T20:00:00+08:00").send("objection", {"text": "异议"})
    case.at("2026-05-06T10:00:00+08:00").complete(
        "objection_investigation", decision="dismissed", comment="不成立"
    )
    assert case.ready() == ["payment_approval"]


def test_second_objection_during_the_same_notice(resume_case: Any) -> None:
    case = resume_case("notice")
    case.at("2026-04-30T09:00:00+08:00").send("objection", {"text": "一"})
    case.complete("objection_investigation", decision="dismissed", comment="不成立")
    case.at("2026-05-01T09:00:00+08:00").send("objection", {"text": "二"})
    assert case.ready() == ["objection_investigation"]
    assert case.data_of("objection_investigation")["objection"] == {"text": "二"}
    assert case.ran("objection_received") == 2


def test_upheld_return_sends_the_case_back_to_the_claim_and_it_can_still_be_paid(resume_case: Any) -> None:
    case = resume_case("notice")
    case.at("2026-05-01T09:00:00+08:00").send("objection", {"text": "人数不符"})
    case.complete("objection_investigation", decision="upheld_return", comment="成立，退回")
    assert case.ready() == ["subsidy_claim"]
    assert case.data_of("subsidy_claim")["notice_outcome"] == "returned"
    assert case.waiting() == ["fraud_reported"]

    case.claim_and_review(day="2026-05-04", claimed=35)
    case.at("2026-05-10T00:00:00+08:00")  # new notice 05-07 .. 05-09
    data = case.data_of("payment_approval")
    assert (data["notice_start"], data["notice_end"], data["eligible"]) == ("2026-05-07", "2026-05-09", 35)
    case.pay(day="2026-05-12")
    assert case.result["outcome"] == "paid"
    assert case.ran("call_claim") == 2 and case.ran("call_notice") == 2


def test_upheld_reject_ends_the_case_rejected(resume_case: Any) -> None:
    case = resume_case("notice")
    case.at("2026-05-01T09:00:00+08:00").send("objection", {"text": "虚报"})
    case.complete("objection_investigation", decision="upheld_reject", comment="成立，不予补贴")
    result = case.result
    assert (result["notice_outcome"], result["outcome"]) == ("rejected", "rejected")
    assert case.ready() == [] and case.waiting() == []


def test_no_objection_is_accepted_outside_a_notice(resume_case: Any) -> None:
    from SpiffWorkflow.exceptions import WorkflowException

    case = resume_case("payment")
    try:
        case.send("objection", {"text": "迟到的异议"})
    except WorkflowException as error:
        assert "not waiting for objection" in str(error)
    else:  # pragma: no cover - the assertion message is the point
        raise AssertionError("an objection after the notice must be refused")
    assert case.ready() == ["payment_approval"]
