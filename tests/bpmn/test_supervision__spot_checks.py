"""supervision.bpmn: opening-day check, spot checks, assessment request (004 (三)2-3).

The assessment request ends the called process with a terminate end event: it must end
this called process only (the extra-spot-check branch disappears), never the main process.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(("actual", "cancelled"), [(35, True), (36, False), (40, False)])
def test_opening_day_check_cancels_below_90_percent(resume_case: Any, actual: int, cancelled: bool) -> None:
    case = resume_case("training")
    case.at("2026-03-09T09:30:00+08:00").complete("opening_day_check", actual_count=actual)
    if cancelled:
        result = case.result
        assert (result["outcome"], result["supervision_outcome"]) == ("cancelled", "cancelled")
        assert result["opening_count"] == actual
        assert case.ready() == [] and case.waiting() == []
    else:
        assert case.ready() == ["spot_check"]
        assert case.data_of("spot_check")["opening_count"] == actual


def test_spot_checks_until_the_minimum_then_more_then_assessment_request(resume_case: Any) -> None:
    case = resume_case("training")
    case.at("2026-03-09T09:30:00+08:00").complete("opening_day_check", actual_count=40)

    case.at("2026-03-20T15:00:00+08:00").spot_check(30)
    assert case.ready() == ["spot_check"]  # below min_spot_checks: no assessment request yet

    case.at("2026-03-27T15:00:00+08:00").spot_check(31)
    assert case.ready() == ["assessment_request", "spot_check__more"]

    case.at("2026-04-03T15:00:00+08:00").spot_check(32, name="spot_check__more")
    assert case.ready() == ["assessment_request", "spot_check__more"]
    case.at("2026-04-10T15:00:00+08:00").spot_check(33, name="spot_check__more")
    assert case.ready() == ["assessment_request", "spot_check__more"]

    case.at("2026-04-17T09:00:00+08:00").complete(
        "assessment_request", assessment_date="2026-04-21", spot_attendances=list(case.spots)
    )
    # the terminate end event removed the extra-spot-check branch, the main process moved on
    assert case.ready() == ["assessment_result"]
    assert case.ran("supervision_terminate") == 1
    assert case.ran("spot_check__more") == 2
    assert [sp for sp in case.workflow.subprocesses.values() if sp.spec.name == "supervision"][0].completed
    data = case.data_of("assessment_result")
    assert data["supervision_outcome"] == "completed"
    assert data["spot_attendances"] == [30, 31, 32, 33]

    case.assess(certified=37, satisfaction_pct=96)
    # 004 (三)2: average 31.5 < 90 % of 40, so the base is the average rounded down
    assert case.data_of("subsidy_claim")["attendance_base"] == 31


def test_assessment_request_right_after_the_minimum(resume_case: Any) -> None:
    case = resume_case("assessment")
    assert case.ran("spot_check__more") == 0
    assert case.ran("supervision_terminate") == 1
    assert case.ready() == ["assessment_result"]
    assert case.waiting() == ["fraud_reported"]
