"""Fraud at any stage stops the case (003 (十), 000 五); after payment, fraud_recovery runs.

Spiff 3.2 does not implement interrupting event subprocesses (isInterrupting is ignored), so
the main process wraps the case in the subprocess ``case_flow`` with the interrupting message
boundary event ``fraud_reported``: cancelling ``case_flow`` cancels every call activity in it.
"""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.exceptions import WorkflowException

FRAUD = {"reason": "冒名顶替学员签到", "reported_by": "inspector"}


def _assert_stopped(case: Any) -> None:
    result = case.result
    assert result["outcome"] == "stopped"
    assert result["institution_blacklisted"] is True
    assert result["fraud"] == FRAUD
    assert result["institution"] == "济源技师学院"
    assert case.ready() == []
    assert case.waiting() == []
    assert case.workflow.waiting_events() == []
    assert case.ran("blacklist_institution") == 1
    assert all(sp.completed for sp in case.workflow.subprocesses.values())


def test_fraud_during_the_opening_review(resume_case: Any) -> None:
    case = resume_case("opening")
    case.complete("opening_application", **case.application)
    case.complete("opening_first_review", decision="approve", comment="同意")
    assert case.ready() == ["opening_recheck"]
    assert sorted(case.waiting()) == ["fraud_reported", "sla_opening_review"]
    case.send("fraud", FRAUD)
    _assert_stopped(case)


def test_fraud_during_training_with_both_branches_open(resume_case: Any) -> None:
    case = resume_case("training")
    case.at("2026-03-09T09:30:00+08:00").complete("opening_day_check", actual_count=40)
    case.spot_check(39).spot_check(38)
    assert case.ready() == ["assessment_request", "spot_check__more"]
    case.send("fraud", FRAUD)
    _assert_stopped(case)


def test_fraud_during_the_notice(resume_case: Any) -> None:
    case = resume_case("notice")
    assert case.ready() == []
    case.at("2026-05-01T09:00:00+08:00").send("fraud", FRAUD)
    _assert_stopped(case)
    case.at("2026-05-10T00:00:00+08:00")  # the cancelled notice timer never fires
    assert case.ran("notice_closed") == 0 and case.ran("set_notice_passed") == 0


def test_fraud_during_an_objection_investigation(resume_case: Any) -> None:
    case = resume_case("notice")
    case.at("2026-05-01T09:00:00+08:00").send("objection", {"text": "冒名"})
    assert case.ready() == ["objection_investigation"]
    case.send("fraud", FRAUD)
    _assert_stopped(case)


def test_fraud_after_payment_is_not_caught_by_the_lifecycle(resume_case: Any) -> None:
    case = resume_case("payment").pay()
    assert case.result["outcome"] == "paid"
    with pytest.raises(WorkflowException, match="not waiting for fraud"):
        case.send("fraud", FRAUD)


def test_fraud_recovery_blacklists_then_finance_recovers(start_case: Any) -> None:
    case = start_case("fraud_recovery", amount_fen=4440000)
    assert case.ready() == ["recovery"]
    assert case.ready_task("recovery").task_spec.lane == "finance"
    assert case.data_of("recovery")["institution_blacklisted"] is True
    case.complete("recovery", recovered_fen=4440000)
    result = case.result
    assert (result["outcome"], result["recovered_fen"]) == ("stopped", 4440000)
