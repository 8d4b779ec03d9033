"""opening.bpmn: the three review steps, each able to approve, return or reject (004 (三)1).

Each submission of the application starts a review round: the embedded subprocess
``opening_review`` (first review, recheck, approval and, after a return, the applicant's
correction ``opening_application__correction``). Its non-interrupting boundary timer
``sla_opening_review`` is armed at the start of each round with that round's start date, so the
deadline follows a start date moved by a correction, and a case waiting for its correction is
still timed.
"""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

REVIEWS = ["opening_first_review", "opening_recheck", "opening_approval"]
LANES = {"opening_first_review": "reviewer", "opening_recheck": "rechecker", "opening_approval": "approver"}
CORRECTION = "opening_application__correction"  # task key opening_application
DUE_0309 = "2026-03-08T23:59:59+08:00"  # opening_review_deadline("2026-03-09")
DUE_0316 = "2026-03-15T23:59:59+08:00"  # opening_review_deadline("2026-03-16")


def _review_up_to(case: Any, step: str) -> Any:
    case.at("2026-03-02T09:00:00+08:00").complete("opening_application", **case.application)
    for review in REVIEWS[: REVIEWS.index(step)]:
        case.complete(review, decision="approve", comment="同意")
    assert case.ready() == [step]
    # inside the lane-less subprocess every review keeps its own lane
    assert case.ready_task(step).task_spec.lane == LANES[step]
    return case


@pytest.mark.parametrize("step", REVIEWS)
def test_return_sends_the_application_back_and_the_review_starts_again(start_case: Any, step: str) -> None:
    case = _review_up_to(start_case(), step)
    case.complete(step, decision="return", comment="教学计划未列实操安排")
    assert case.ready() == [CORRECTION]
    assert case.ready_task(CORRECTION).task_spec.lane == "applicant"
    assert case.data_of(CORRECTION)["decision"] == "return"
    assert case.data_of(CORRECTION)["opening_outcome"] == "returned"
    assert case.waiting() == ["fraud_reported", "sla_opening_review"]  # the correction is timed too
    assert case.ran("set_opening_returned") == 1

    case.at("2026-03-03T09:00:00+08:00").complete(CORRECTION, **{**case.application, "planned_count": 38})
    assert case.ready() == ["opening_first_review"]  # the whole review starts again
    assert case.waiting() == ["fraud_reported", "sla_opening_review"]
    assert case.ran("sla_opening_review") == 0
    for review in REVIEWS:
        assert case.ready_task(review).task_spec.lane == LANES[review]
        case.complete(review, decision="approve", comment="同意")
    assert case.ready() == ["opening_day_check"]
    assert case.data_of("opening_day_check")["planned_count"] == 38
    assert case.data_of("opening_day_check")["opening_outcome"] == "approved"
    assert case.waiting() == ["fraud_reported"]
    assert case.ran("sla_opening_review") == 0


def test_a_return_then_a_reject_ends_the_case_rejected(start_case: Any) -> None:
    case = _review_up_to(start_case(), "opening_recheck")
    case.complete("opening_recheck", decision="return", comment="花名册不全")
    case.at("2026-03-03T09:00:00+08:00").complete(CORRECTION, **case.application)
    case.complete("opening_first_review", decision="reject", comment="机构不在目录内")
    result = case.result
    assert (result["opening_outcome"], result["outcome"]) == ("rejected", "rejected")
    assert case.ran("set_opening_returned") == 1 and case.ran("set_opening_rejected") == 1
    assert case.ready() == [] and case.waiting() == []


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
    assert case.timer_dues("sla_opening_review") == [DUE_0309]
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
    assert case.data_of("opening_day_check")["opening_outcome"] == "approved"


def test_opening_review_sla_is_withdrawn_when_the_review_ends_in_time(resume_case: Any) -> None:
    case = resume_case("training")
    assert case.waiting() == ["fraud_reported"]
    case.at("2026-03-09T09:30:00+08:00")
    assert case.ran("sla_opening_review") == 0


def test_opening_review_sla_follows_the_start_date_of_the_resubmission(start_case: Any) -> None:
    """Returned, resubmitted with a later start (03-09 -> 03-16): the review is due by the end of 03-15."""
    case = _review_up_to(start_case(), "opening_first_review")
    assert case.timer_dues("sla_opening_review") == [DUE_0309]
    case.at("2026-03-03T10:10:00+08:00").complete(
        "opening_first_review", decision="return", comment="开班日期需调整"
    )
    assert case.timer_dues("sla_opening_review") == [DUE_0309]  # the first round runs until resubmitted
    case.at("2026-03-04T09:00:00+08:00").complete(
        CORRECTION, **{**case.application, "start_date": "2026-03-16", "end_date": "2026-04-30"}
    )
    assert case.ready() == ["opening_first_review"]
    assert case.timer_dues("sla_opening_review") == [DUE_0316]  # not DUE_0309

    case.at("2026-03-09T00:00:00+08:00")  # the first application's deadline passes: nothing to record
    assert case.ran("sla_opening_review") == 0
    case.at("2026-03-12T11:00:00+08:00").complete("opening_first_review", decision="approve", comment="同意")
    case.at("2026-03-12T14:00:00+08:00").complete("opening_recheck", decision="approve", comment="同意")
    case.at("2026-03-12T16:00:00+08:00").complete("opening_approval", decision="approve", comment="同意")
    assert case.ready() == ["opening_day_check"]
    assert case.data_of("opening_day_check")["start_date"] == "2026-03-16"
    case.at("2026-03-16T00:00:00+08:00")
    assert case.ran("sla_opening_review") == 0
    assert case.waiting() == ["fraud_reported"]


def test_opening_review_sla_fires_while_the_correction_is_outstanding(start_case: Any) -> None:
    """Returned and never resubmitted: still not approved when the deadline passes -> a breach."""
    case = _review_up_to(start_case(), "opening_recheck")
    case.at("2026-03-03T11:05:00+08:00").complete("opening_recheck", decision="return", comment="请补充")
    assert case.ready() == [CORRECTION]
    case.at("2026-03-09T00:00:00+08:00")
    assert case.ran("sla_opening_review") == 1
    assert case.ran("sla_opening_review_end") == 1
    assert case.timer_dues("sla_opening_review", TaskState.COMPLETED) == [DUE_0309]
    assert case.ready() == [CORRECTION]  # non-interrupting: the applicant can still correct


def test_opening_review_sla_of_a_later_round_fires_at_once_when_already_overdue(start_case: Any) -> None:
    case = _review_up_to(start_case(), "opening_first_review")
    case.at("2026-03-03T10:00:00+08:00").complete("opening_first_review", decision="approve", comment="同意")
    case.at("2026-03-09T00:00:00+08:00")
    assert case.ran("sla_opening_review") == 1
    case.at("2026-03-10T10:00:00+08:00").complete("opening_recheck", decision="return", comment="花名册不全")
    assert case.ready() == [CORRECTION]

    # resubmitted after the deadline with the same start date: the new round is overdue from its start
    case.at("2026-03-11T09:00:00+08:00").complete(CORRECTION, **case.application)
    assert case.ran("sla_opening_review") == 2
    assert case.ran("sla_opening_review_end") == 2
    assert case.timer_dues("sla_opening_review", TaskState.COMPLETED) == [DUE_0309, DUE_0309]
    assert case.ready() == ["opening_first_review"]  # non-interrupting: the new round goes on
    assert case.waiting() == ["fraud_reported"]
    for review in REVIEWS:
        case.complete(review, decision="approve", comment="同意")
    assert case.ready() == ["opening_day_check"]
    assert case.ran("sla_opening_review") == 2
