"""payment.bpmn: approval, disbursement within the SLA, gateway confirmation (004 (三)4)."""

from __future__ import annotations

from typing import Any


def test_payment_rejected_ends_the_case_rejected(resume_case: Any) -> None:
    case = resume_case("payment")
    case.at("2026-05-08T10:00:00+08:00").complete("payment_approval", decision="reject")
    result = case.result
    assert (result["payment_outcome"], result["outcome"]) == ("rejected", "rejected")
    assert case.ran("disbursement") == 0
    assert case.ready() == [] and case.waiting() == []


def test_payment_waits_for_the_gateway_confirmation(resume_case: Any) -> None:
    case = resume_case("payment")
    case.at("2026-05-08T10:00:00+08:00").complete("payment_approval", decision="approve")
    assert case.ready() == ["disbursement"]
    case.at("2026-05-08T14:00:00+08:00").complete("disbursement", fund_source="失业保险基金")
    assert case.ready() == []
    assert case.waiting() == ["fraud_reported", "payment_confirmed"]
    assert "sla_payment" not in case.waiting()  # the window closed with the disbursement
    case.at("2026-06-30T00:00:00+08:00")
    assert case.ran("sla_payment") == 0
    case.send("payment_confirmed", {"reference": "PAY-9"})
    result = case.result
    assert (result["outcome"], result["fund_source"]) == ("paid", "失业保险基金")


def test_payment_sla_fires_without_interrupting_the_payment(resume_case: Any) -> None:
    case = resume_case("payment")
    assert "sla_payment" in case.waiting()
    case.at("2026-05-11T23:00:00+08:00")
    assert case.ran("sla_payment") == 0
    case.at("2026-05-12T00:00:00+08:00")  # payment_deadline(notice_end)
    assert (case.ran("sla_payment"), case.ran("sla_payment_end")) == (1, 1)
    assert case.ready() == ["payment_approval"]
    case.pay(day="2026-05-13")
    assert case.result["outcome"] == "paid"
