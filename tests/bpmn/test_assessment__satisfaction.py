"""assessment.bpmn: results, attendance base, satisfaction below 85 % suspends (004 三(三))."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(("satisfaction_pct", "suspended"), [(84, True), (85, False), (96, False)])
def test_low_satisfaction_suspends_the_institution_and_the_case_goes_on(
    resume_case: Any, satisfaction_pct: int, suspended: bool
) -> None:
    case = resume_case("assessment").assess(certified=37, satisfaction_pct=satisfaction_pct)
    assert case.ran("suspend_institution") == int(suspended)
    data = case.data_of("subsidy_claim")
    assert data.get("institution_suspended", False) is suspended
    assert data["below_satisfaction"] is suspended
    assert (data["attendance_base"], data["certified"]) == (40, 37)
