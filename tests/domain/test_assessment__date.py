"""The assessment request (004 (三)3): filed 3 days before the end, held from the filing day to end + 30 days."""

from __future__ import annotations

from datetime import date

import pytest

from domain.assessment import check_assessment_request
from domain.policy import Policy

END = date(2026, 4, 24)


def codes(filed: date, held: date, policy: Policy | None = None) -> list[tuple[str, str | None]]:
    """(code, field) of the request's problems."""
    found = check_assessment_request(
        filed_on=filed, assessment_date=held, end_date=END, policy=policy or Policy()
    )
    return [(v.code.value, v.field) for v in found]


@pytest.mark.parametrize("held", [date(2026, 4, 17), date(2026, 4, 24), date(2026, 5, 24)])
def test_from_the_filing_day_to_the_end_of_the_window(held: date) -> None:
    """LIFECYCLE.md (version 2): on the filing day, and end_date + assessment_window_days, are accepted."""
    assert codes(date(2026, 4, 17), held) == []


def test_the_day_before_filing_and_one_day_past_the_window_are_invalid() -> None:
    """Otherwise invalid_field on date, saying what to do."""
    assert codes(date(2026, 4, 17), date(2026, 4, 16)) == [("invalid_field", "date")]
    found = check_assessment_request(
        filed_on=date(2026, 4, 17), assessment_date=date(2026, 5, 25), end_date=END, policy=Policy()
    )
    assert [(v.code.value, v.field) for v in found] == [("invalid_field", "date")]
    assert "2026-05-24" in found[0].message


def test_the_window_is_a_policy_parameter() -> None:
    """assessment_window_days 0: the assessment is held by the end date."""
    policy = Policy().with_overrides({"assessment_window_days": 0})
    assert codes(date(2026, 4, 17), END, policy) == []
    assert codes(date(2026, 4, 17), date(2026, 4, 25), policy) == [("invalid_field", "date")]


def test_too_late_is_checked_first() -> None:
    """004 (三)3: 结业前3天 — too_late comes first; a date also out of its window is listed after it."""
    assert codes(date(2026, 4, 22), date(2026, 4, 1)) == [("too_late", "date"), ("invalid_field", "date")]
    assert codes(date(2026, 4, 21), date(2026, 4, 21)) == []
