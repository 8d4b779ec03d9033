"""Operator calendar data (scenarios/README.md ``calendar:`` and the operator file) pinned exactly: every entry
of a list is read, and each refusal names its list, its date and the fix in Chinese.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

import pytest

from domain.calendar import BusinessCalendar, local_date


def test_every_date_object_of_a_list_is_read_not_only_the_first() -> None:
    """2030 is a year the package lacks: listed weekdays are off, a listed Saturday on."""
    cal = BusinessCalendar.from_mapping(
        {
            "holidays": [date(2030, 1, 2), date(2030, 1, 3)],
            "workdays": [date(2030, 1, 5), date(2030, 1, 12)],
        }
    )
    assert not cal.is_workday(date(2030, 1, 2))
    assert not cal.is_workday(date(2030, 1, 3))
    assert cal.is_workday(date(2030, 1, 5))
    assert cal.is_workday(date(2030, 1, 12))


@pytest.mark.parametrize("key", ["holidays", "workdays"])
def test_a_list_that_is_not_a_list_is_named_by_its_key(key: str) -> None:
    with pytest.raises(ValueError) as refused:
        BusinessCalendar.from_mapping({key: "2030-01-02"})
    assert str(refused.value) == f"运营日历的 {key} 应为日期列表，例如 [2027-01-01]"


@pytest.mark.parametrize("key", ["holidays", "workdays"])
def test_a_bad_entry_is_named_by_its_key_and_position(key: str) -> None:
    with pytest.raises(ValueError) as refused:
        BusinessCalendar.from_mapping({key: ["2030-01-02", "2030-02-30"]})
    assert str(refused.value) == (
        f"运营日历 {key} 的第 2 项 '2030-02-30' 不是有效日期，请写成 YYYY-MM-DD，例如 2027-01-01"
    )


@pytest.mark.parametrize(("holidays", "workdays", "key"), [([1], [], "holidays"), ([], [1], "workdays")])
def test_with_extra_names_the_list_holding_a_non_date(
    holidays: list[object], workdays: list[object], key: str
) -> None:
    with pytest.raises(ValueError) as refused:
        BusinessCalendar().with_extra(holidays, workdays)  # type: ignore[arg-type]
    assert str(refused.value) == f"运营日历 {key} 中的 1 不是日期，请写成 YYYY-MM-DD"


def test_a_date_in_both_lists_is_named_the_earliest_first() -> None:
    both = [date(2030, 3, 4), date(2030, 1, 2)]
    with pytest.raises(ValueError) as refused:
        BusinessCalendar().with_extra(both, both)
    assert (
        str(refused.value) == "日期 2030-01-02 同时列在节假日(holidays)和调休工作日(workdays)中，请只保留一处"
    )


def test_an_operator_file_that_is_not_a_mapping_says_what_it_should_be() -> None:
    with pytest.raises(ValueError) as refused:
        BusinessCalendar.from_yaml("- 2030-01-02\n")
    assert str(refused.value) == "运营日历文件应为包含 holidays 和 workdays 两个列表的映射"


class _NoOffset(tzinfo):
    """A time zone that does not know its offset: a datetime in it is naive in Python's sense."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


def test_a_datetime_whose_zone_gives_no_offset_is_refused_as_without_time_zone() -> None:
    moment = datetime(2026, 5, 15, 16, 30, tzinfo=_NoOffset())
    with pytest.raises(ValueError) as refused:
        local_date(moment)
    assert str(refused.value) == "时间 2026-05-15T16:30:00 缺少时区信息，请带上时区（如 +08:00）"
