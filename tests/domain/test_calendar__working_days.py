"""Working days of the official calendar: weekends, holidays, adjusted working days (调休), missing years."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, BusinessCalendar, CalendarMissing, YearCalendar, end_of_day, local_date


def test_weekday_weekend_and_holidays(calendar: BusinessCalendar) -> None:
    """Weekdays work, weekends rest, the National Day week rests."""
    assert calendar.is_workday(date(2026, 3, 9))  # Monday
    assert not calendar.is_workday(date(2026, 3, 7))  # Saturday
    assert not calendar.is_workday(date(2026, 10, 1))
    assert not calendar.is_workday(date(2026, 10, 7))


def test_adjusted_saturday_2026_10_10_is_a_working_day(calendar: BusinessCalendar) -> None:
    """2026-10-10 is a Saturday worked in lieu of the National Day holiday (the package names it a holiday)."""
    assert date(2026, 10, 10).weekday() == 5
    assert calendar.is_workday(date(2026, 10, 10))


def test_add_and_sub_working_days_across_a_weekend(calendar: BusinessCalendar) -> None:
    """Friday + 1 working day is Monday; Monday − 1 is Friday; n == 0 is the date itself."""
    assert calendar.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert calendar.sub_working_days(date(2026, 3, 9), 1) == date(2026, 3, 6)
    assert calendar.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)
    assert calendar.sub_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_add_working_days_across_national_day_2026(calendar: BusinessCalendar) -> None:
    """After 2026-09-30 the next working days are 10-08, 10-09 and the adjusted Saturday 10-10."""
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert calendar.add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    assert calendar.sub_working_days(date(2026, 10, 12), 4) == date(2026, 9, 30)


def test_working_days_between(calendar: BusinessCalendar) -> None:
    """Counts (a, b]; reversed bounds give the negative count; equal bounds give 0."""
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert calendar.working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0


def test_negative_count_is_refused(calendar: BusinessCalendar) -> None:
    """A negative number of working days is a programming error."""
    with pytest.raises(ValueError, match="负数"):
        calendar.add_working_days(date(2026, 3, 9), -1)


def test_2027_raises_calendar_missing_with_an_actionable_message(calendar: BusinessCalendar) -> None:
    """No official data for 2027: never guess, say what to add."""
    assert calendar.covers(2026)
    assert not calendar.covers(2027)
    with pytest.raises(CalendarMissing) as caught:
        calendar.is_workday(date(2027, 1, 4))
    assert caught.value.year == 2027
    assert "2027" in str(caught.value)
    assert "holidays" in str(caught.value)
    with pytest.raises(CalendarMissing):
        calendar.add_working_days(date(2026, 12, 31), 1)
    with pytest.raises(CalendarMissing):
        calendar.sub_working_days(date(2004, 1, 2), 2)


def test_operator_data_covers_2027(calendar: BusinessCalendar) -> None:
    """with_extra makes 2027 covered: weekends off, weekdays on, except the listed dates."""
    extended = calendar.with_extra([date(2027, 1, 1)], [date(2027, 1, 9)])
    assert extended.covers(2027)
    assert not calendar.covers(2027)  # the original is unchanged
    assert not extended.is_workday(date(2027, 1, 1))  # Friday, holiday
    assert not extended.is_workday(date(2027, 1, 2))  # Saturday
    assert extended.is_workday(date(2027, 1, 4))  # Monday
    assert extended.is_workday(date(2027, 1, 9))  # adjusted Saturday
    assert extended.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert extended.is_workday(date(2026, 10, 10))  # package data kept for 2026


def test_with_extra_merges_and_later_data_wins(calendar: BusinessCalendar) -> None:
    """A second with_extra for the same year keeps the earlier dates; a date moved to the other list moves."""
    first = calendar.with_extra([date(2027, 1, 1), date(2027, 2, 1)], [])
    second = first.with_extra([date(2027, 1, 4)], [date(2027, 2, 1)])
    year = second.operator_years[2027]
    assert year.holidays == {date(2027, 1, 1), date(2027, 1, 4)}
    assert year.workdays == {date(2027, 2, 1)}


def test_operator_data_amends_a_package_year(calendar: BusinessCalendar) -> None:
    """Contract v2: operator data for 2026 amends the package; every date not listed keeps its answer."""
    own = calendar.with_extra([date(2026, 3, 9)], [date(2026, 3, 7)])
    assert not own.is_workday(date(2026, 3, 9))  # a listed holiday is off
    assert own.is_workday(date(2026, 3, 7))  # a listed workday (a Saturday) is on
    assert not own.is_workday(date(2026, 10, 1))  # National Day stays off
    assert not own.is_workday(date(2026, 10, 7))
    assert own.is_workday(date(2026, 10, 10))  # the package's adjusted Saturday stays on
    assert not own.is_workday(date(2026, 3, 14))  # an unlisted Saturday stays off
    assert own.is_workday(date(2026, 3, 10))  # an unlisted weekday stays on
    assert own.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_a_listed_workday_on_a_package_holiday_turns_it_on(calendar: BusinessCalendar) -> None:
    """Contract v2: a package holiday listed as a workday is on; the rest of the holiday stays off."""
    own = calendar.with_extra([], [date(2026, 10, 2)])
    assert own.is_workday(date(2026, 10, 2))
    assert not own.is_workday(date(2026, 10, 1))
    assert not own.is_workday(date(2026, 10, 5))


def test_conflicting_and_bad_dates_are_refused(calendar: BusinessCalendar) -> None:
    """One date in both lists, or a datetime, is refused with a Chinese message."""
    with pytest.raises(ValueError, match="同时列在"):
        calendar.with_extra([date(2027, 1, 1)], [date(2027, 1, 1)])
    with pytest.raises(ValueError, match="不是日期"):
        calendar.with_extra([datetime(2027, 1, 1, tzinfo=SHANGHAI)], [])
    with pytest.raises(ValueError, match="年份不一致"):
        BusinessCalendar({2027: YearCalendar(2028, frozenset(), frozenset())})


def test_from_mapping_and_yaml() -> None:
    """Operator files list dates or ISO strings."""
    cal = BusinessCalendar.from_mapping({"holidays": ["2027-01-01", date(2027, 2, 11)], "workdays": None})
    assert not cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 2, 11))
    from_yaml = BusinessCalendar.from_yaml("holidays: [2027-01-01]\nworkdays: [2027-01-09]\n")
    assert from_yaml.is_workday(date(2027, 1, 9))
    assert BusinessCalendar.from_yaml("").operator_years == {}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("holidays: [2027-13-01]", "第 1 项"),
        ("holidays: [2027-01-01, 12]", "第 2 项"),
        ("holidays: [2027-01-01T08:00:00]", "不是有效日期"),
        ("holidays: 2027-01-01", "应为日期列表"),
        ("feiertage: []", "无法识别的键"),
        ("- 2027-01-01", "映射"),
        ("holidays: [", "不是有效的 YAML"),
    ],
)
def test_bad_operator_files_name_the_entry(text: str, match: str) -> None:
    """Each bad entry is named in Chinese."""
    with pytest.raises(ValueError, match=match):
        BusinessCalendar.from_yaml(text)


def test_end_of_day_and_local_date() -> None:
    """Deadlines are 23:59:59 Asia/Shanghai; a UTC instant is read on its Shanghai date."""
    end = end_of_day(date(2026, 5, 15))
    assert end.isoformat() == "2026-05-15T23:59:59+08:00"
    assert local_date(datetime(2026, 5, 15, 16, 30, tzinfo=UTC)) == date(2026, 5, 16)
    with pytest.raises(ValueError, match="时区"):
        local_date(datetime(2026, 5, 15, 16, 30))


_DATES = st.dates(
    min_value=date(2004, 1, 10), max_value=date(2026, 11, 10)
)  # + 30 working days stays in 2026


@settings(max_examples=150, deadline=None)
@given(d=_DATES, n=st.integers(min_value=0, max_value=30))
def test_add_sub_between_agree(d: date, n: int) -> None:
    """add lands on a working day, sub undoes it to a working day ≤ d, between counts n."""
    cal = BusinessCalendar()
    later = cal.add_working_days(d, n)
    assert cal.working_days_between(d, later) == n
    if n > 0:
        assert later > d
        assert cal.is_workday(later)
        back = cal.sub_working_days(later, n)
        assert back <= d
        assert cal.is_workday(back)
        # no working day between back and d: it is the last working day on or before d
        assert cal.working_days_between(back, d) == 0
    else:
        assert later == d
