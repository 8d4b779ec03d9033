"""opening.bpmn: the three review steps, each able to approve, return or reject (004 (三)1)."""

from __future__ import annotations

from typing import Any

import pytest

REVIEWS = ["opening_first_review", "opening_recheck", "opening_approval"]


def _review_up_to(case: Any, step: str) -> Any:
    case.at("2026-03-02T09:00:00+08:00").complete("opening_application", **case.application)
    for review in REVIEWS[: REVIEWS.index(step)]:
        case.complete(review, decision="approve", comment="同意")
    assert case.ready() == [step]
    return case


@pytest.mark.parametrize("step", REVIEWS)
def test_return_sends_the_application_back_and_the_review_starts_again(start_case: Any, step: str) -> None:
    case = _review_up_to(start_case(), step)
    case.complete(step, decision="return", comment="教学计划未列实操安排")
    assert case.ready() == ["opening_application"]
    assert case.data_of("opening_application")["decision"] == "return"

    case.at("2026-03-03T09:00:00+08:00").complete(
        "opening_application", **{**case.application, "planned_count": 38}
    )
    assert case.ready() == ["opening_first_review"]  # the whole review starts again
    for review in REVIEWS:
        case.complete(review, decision="approve", comment="同意")
    assert case.ready() == ["opening_day_check"]
    assert case.data_of("opening_day_check")["planned_count"] == 38
    assert case.data_of("opening_day_check")["opening_outcome"] == "approved"


@pytest.mark.parametrize("step", REVIEWS)
def test_reject_ends_the_case_rejected(start_case: Any, step: str) -> None:
    case = _review_up_to(start_case(), step)
    case.complete(step, decision="reject", comment="机构不在目录内")
    result = case.result
    assert result["opening_outcome"] == "rejected"
    assert result["outcome"] == "rejected"
    assert case.ready() == [] and case.waiting() == []
    assert case.ran("set_opening_rejected") == 1 and case.ran("set_outcome_rejected") == 1


def test_opening_review_sla_fires_without_interrupting_the_review(start_case: Any) -> None:
    case = _review_up_to(start_case(), "opening_approval")
    assert "sla_opening_review" in case.waiting()
    case.at("2026-03-08T23:59:00+08:00")
    assert case.ran("sla_opening_review") == 0
    # opening_review_deadline(start_date): end of the day before the start date
    case.at("2026-03-09T00:00:00+08:00")
    assert case.ran("sla_opening_review") == 1
    assert case.ran("sla_opening_review_end") == 1
    assert case.ready() == ["opening_approval"]  # non-interrupting: the review goes on
    case.complete("opening_approval", decision="approve", comment="同意")
    assert case.ready() == ["opening_day_check"]
    assert case.waiting() == ["fraud_reported"]


def test_opening_review_sla_is_withdrawn_when_the_review_ends_in_time(resume_case: Any) -> None:
    case = resume_case("training")
    assert case.waiting() == ["fraud_reported"]
    case.at("2026-03-09T09:30:00+08:00")
    assert case.ran("sla_opening_review") == 0
