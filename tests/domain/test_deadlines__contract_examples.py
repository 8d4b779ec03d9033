"""The contract's date rules, checked against the figures of examples 01 and 03."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import BusinessCalendar
from domain.deadlines import (
    add_months,
    application_deadline,
    assessment_request_deadline,
    claim_review_due,
    class_end_limit,
    notice_closes_at,
    notice_window,
    opening_review_due,
    payment_due,
)
from domain.policy import Policy
from domain.vocab import Schedule


def test_example_01_notice_and_payment_across_may_day(policy: Policy, calendar: BusinessCalendar) -> None:
    """Recheck 2026-04-29 → notice 04-30 .. 05-07 (May Day 05-01..05-05), payment by 05-15 (Saturday 05-09 worked)."""
    start, end = notice_window(date(2026, 4, 29), policy, calendar)
    assert (start, end) == (date(2026, 4, 30), date(2026, 5, 7))
    assert payment_due(end, policy, calendar).isoformat() == "2026-05-15T23:59:59+08:00"
    assert notice_closes_at(end).isoformat() == "2026-05-07T23:59:59+08:00"


def test_example_03_notice_and_payment_across_national_day(
    policy: Policy, calendar: BusinessCalendar
) -> None:
    """Recheck 2026-09-24 → notice 09-28 .. 09-30 (Mid-Autumn 09-25), payment by 10-15 (Saturday 10-10 worked)."""
    start, end = notice_window(date(2026, 9, 24), policy, calendar)
    assert (start, end) == (date(2026, 9, 28), date(2026, 9, 30))
    assert payment_due(end, policy, calendar).isoformat() == "2026-10-15T23:59:59+08:00"


def test_claim_review_due(policy: Policy, calendar: BusinessCalendar) -> None:
    """004 (三)4: 7个工作日内 — example 03's claim of 09-21 is due on 10-08; example 01's of 04-27 on Saturday 05-09 (worked)."""
    assert claim_review_due(date(2026, 9, 21), policy, calendar).isoformat() == "2026-10-08T23:59:59+08:00"
    assert claim_review_due(date(2026, 4, 27), policy, calendar).isoformat() == "2026-05-09T23:59:59+08:00"


def test_application_and_assessment_deadlines(policy: Policy, calendar: BusinessCalendar) -> None:
    """004 (三)1: 3 working days; 004 (三)3: 结业前 3 天 (calendar days)."""
    assert application_deadline(date(2026, 3, 9), policy, calendar) == date(2026, 3, 4)
    assert assessment_request_deadline(date(2026, 4, 24), policy) == date(2026, 4, 21)
    assert assessment_request_deadline(date(2026, 9, 11), policy) == date(2026, 9, 8)


def test_opening_review_due_is_the_end_of_the_day_before() -> None:
    """The review ends before the start date."""
    assert opening_review_due(date(2026, 3, 9)).isoformat() == "2026-03-08T23:59:59+08:00"


@pytest.mark.parametrize(
    ("start", "months", "limit"),
    [
        (date(2026, 3, 9), 3, date(2026, 6, 9)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2026, 10, 31), 6, date(2027, 4, 30)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 0, date(2026, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, limit: date) -> None:
    """Calendar months; a day the target month lacks becomes its last day."""
    assert add_months(start, months) == limit


def test_class_end_limit(policy: Policy) -> None:
    """000 五(三): full-time 3 months, part-time 6."""
    assert class_end_limit(date(2026, 3, 9), Schedule.FULL_TIME, policy) == date(2026, 6, 9)
    assert class_end_limit(date(2026, 3, 9), Schedule.PART_TIME, policy) == date(2026, 9, 9)
