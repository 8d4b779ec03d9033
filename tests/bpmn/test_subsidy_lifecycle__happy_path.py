"""The main process from the first valid application to the confirmed payment."""

from __future__ import annotations

from typing import Any


def test_happy_path_ends_paid_after_the_payment_confirmation(start_case: Any) -> None:
    case = start_case()
    assert case.ready() == ["opening_application"]

    case.to_notice()
    # 004 (三)4: published the day after the recheck, 3 days, then payment
    assert case.ready() == []
    assert case.waiting() == ["fraud_reported", "notice_wait"]
    case.at("2026-05-02T23:00:00+08:00")
    assert case.ready() == []
    case.at("2026-05-03T00:00:00+08:00")
    assert case.ready() == ["payment_approval"]
    data = case.data_of("payment_approval")
    assert (data["notice_start"], data["notice_end"], data["notice_outcome"]) == (
        "2026-04-30",
        "2026-05-02",
        "passed",
    )

    case.at("2026-05-08T10:00:00+08:00").complete("payment_approval", decision="approve")
    case.at("2026-05-08T14:00:00+08:00").complete("disbursement", fund_source="就业补助资金")
    assert case.ready() == []
    assert case.waiting() == ["fraud_reported", "payment_confirmed"]
    assert not case.workflow.is_completed()

    case.send("payment_confirmed", {"reference": "PAY-1"})
    result = case.result
    assert result["outcome"] == "paid"
    assert result["payment_outcome"] == "paid"
    assert result["payment_confirmation"] == {"reference": "PAY-1"}
    assert case.ready() == [] and case.waiting() == []


def test_happy_path_figures_flow_through_every_called_process(resume_case: Any) -> None:
    case = resume_case("payment").pay()
    result = case.result
    assert result["opening_count"] == 40
    assert result["spot_attendances"] == [39, 38]
    assert result["attendance_base"] == 40
    assert result["eligible"] == 37
    assert result["standard_yuan"] == 1200
    assert (result["amount_fen"], result["base_fen"], result["performance_fen"]) == (4440000, 3552000, 888000)
    assert "subsidy" not in result
    assert result["claim_date"] == "2026-04-27"
    assert "institution_suspended" not in result
    assert result["opening_outcome"] == "approved"
    assert result["supervision_outcome"] == "completed"
    assert result["claim_outcome"] == "approved"
    assert result["notice_outcome"] == "passed"
    # no SLA timer fired on time
    for timer in ("sla_opening_review", "sla_claim_review", "sla_payment"):
        assert case.ran(timer) == 0
