"""claim.bpmn: claim, amounts from the DMN standard, claim review with its SLA (004 (三)4)."""

from __future__ import annotations

from typing import Any

import pytest

STEPS = ["claim_first_review", "claim_recheck"]

STANDARDS = {
    "初级工": 800,
    "中级工": 1200,
    "高级工": 1600,
    "技师": 2400,
    "高级技师": 3000,
    "专项职业能力": 500,
    "培训合格证": 300,
    "创业培训": 1000,
}


def _claim_up_to(case: Any, step: str, claimed: int = 40) -> Any:
    case.at("2026-04-27T10:00:00+08:00").complete("subsidy_claim", claimed_count=claimed)
    for review in STEPS[: STEPS.index(step)]:
        case.complete(review, decision="approve", comment="同意")
    assert case.ready() == [step]
    return case


@pytest.mark.parametrize("step", STEPS)
def test_return_asks_for_a_new_claim_and_recomputes(resume_case: Any, step: str) -> None:
    case = _claim_up_to(resume_case("claim"), step, claimed=40)
    case.at("2026-04-28T10:00:00+08:00").complete(step, decision="return", comment="花名册与签到不符")
    assert case.ready() == ["subsidy_claim"]
    assert case.data_of("subsidy_claim")["claim_outcome"] == "returned"

    case.claim_and_review(day="2026-04-29", claimed=30)
    assert case.ready() == []
    assert case.waiting() == ["fraud_reported", "notice_wait"]
    case.at("2026-05-05T00:00:00+08:00")
    data = case.data_of("payment_approval")
    assert (data["claim_date"], data["eligible"], data["amount_fen"]) == ("2026-04-29", 30, 3600000)
    assert (data["notice_start"], data["notice_end"]) == ("2026-05-02", "2026-05-04")


@pytest.mark.parametrize("step", STEPS)
def test_reject_ends_the_case_rejected(resume_case: Any, step: str) -> None:
    case = _claim_up_to(resume_case("claim"), step)
    case.complete(step, decision="reject", comment="材料不实")
    result = case.result
    assert (result["claim_outcome"], result["outcome"]) == ("rejected", "rejected")
    assert case.ran("publish_notice") == 0
    assert case.ready() == [] and case.waiting() == []


def test_claim_review_sla_fires_without_interrupting_the_review(resume_case: Any) -> None:
    case = _claim_up_to(resume_case("claim"), "claim_first_review")
    assert "sla_claim_review" in case.waiting()
    case.at("2026-05-06T23:00:00+08:00")
    assert case.ran("sla_claim_review") == 0
    case.at("2026-05-07T00:00:00+08:00")  # claim_review_deadline(claim_date)
    assert (case.ran("sla_claim_review"), case.ran("sla_claim_review_end")) == (1, 1)
    assert case.ready() == ["claim_first_review"]
    case.complete("claim_first_review", decision="approve", comment="同意")
    case.complete("claim_recheck", decision="approve", comment="同意")
    assert case.waiting() == ["fraud_reported", "notice_wait"]
    assert case.ran("publish_notice") == 1
    # the fired timer's branch carried the data of its start: the review's data still wins
    case.at("2026-05-11T00:00:00+08:00")
    data = case.data_of("payment_approval")
    assert (data["claim_date"], data["notice_start"], data["notice_end"]) == (
        "2026-04-27",
        "2026-05-08",
        "2026-05-10",
    )
    assert (data["claim_outcome"], data["decision"], data["amount_fen"]) == ("approved", "approve", 4440000)


def test_claim_review_sla_is_withdrawn_when_the_review_ends_in_time(resume_case: Any) -> None:
    case = resume_case("notice")
    assert "sla_claim_review" not in case.waiting()
    case.at("2026-05-07T00:00:00+08:00")
    assert case.ran("sla_claim_review") == 0


@pytest.mark.parametrize(("level", "standard"), STANDARDS.items())
def test_subsidy_standard_decision_feeds_the_amounts(start_case: Any, level: str, standard: int) -> None:
    case = start_case("claim", level=level, certified=20, attendance_base=25)
    assert case.ready() == ["subsidy_claim"]
    case.complete("subsidy_claim", claimed_count=30)
    data = case.data_of("claim_first_review")
    assert data["standard_yuan"] == standard
    assert data["eligible"] == 20
    amount = 20 * standard * 100
    assert data["amount_fen"] == amount
    assert data["performance_fen"] + data["base_fen"] == amount
    assert data["performance_fen"] * 5 >= amount  # 003 (十一): performance part at least 20 %
    assert "subsidy" not in data
