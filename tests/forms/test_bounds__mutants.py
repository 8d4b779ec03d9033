"""Sane ranges of form values pinned exactly: the era's end years, the shown digits, date text in date fields.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from datetime import date

import pytest

from forms.bounds import int_message, out_of_bounds, year_in_range
from forms.messages import Finding

SCHEMA = {"title": "表单", "properties": {"day": {"type": "string", "format": "date", "title": "日期"}}}


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(1900, 1, 1), True),
        (date(2200, 12, 31), True),
        (date(1899, 12, 31), False),
        (date(2201, 1, 1), False),
    ],
)
def test_the_era_includes_1900_and_2200(day: date, inside: bool) -> None:
    """Dates from 1900 to 2200, both years included."""
    assert year_in_range(day) is inside


def test_a_long_number_is_shown_to_30_characters() -> None:
    """Up to 30 characters the value is shown whole; beyond, its first 30 and an ellipsis."""
    thirty = 10**29  # 30 digits
    assert (
        int_message("人数", thirty)
        == f"人数 的数值 {thirty} 超出合理范围（绝对值不能大于 1000000000），请检查"
    )
    longer = 10**30  # 31 digits
    assert int_message("人数", longer) == (
        f"人数 的数值 {str(longer)[:30]}… 超出合理范围（绝对值不能大于 1000000000），请检查"
    )


def test_date_text_of_a_date_field_outside_the_era_is_refused() -> None:
    """A date written as text in a date field is read and its year checked; other text is not a date."""
    assert out_of_bounds({"day": "1899-12-31"}, SCHEMA) == [
        Finding(("day",), 3, "日期 的年份 1899 超出合理范围（1900–2200 年），请检查日期")
    ]
    assert out_of_bounds({"day": "1900-01-01"}, SCHEMA) == []
    assert out_of_bounds({"other": "1899-12-31"}, SCHEMA) == []


DEEP = {"title": "表", "properties": {"x": {"title": "深"}, "n": {"title": "人数"}, "b": {"title": "是否"}}}


def _lists(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


def test_a_list_at_the_50th_level_is_too_deep_one_level_less_is_not() -> None:
    """MAX_DEPTH 50: the field is the first level, each list inside it one more."""
    assert out_of_bounds({"x": _lists(49)}, DEEP) == []
    assert out_of_bounds({"x": _lists(50)}, DEEP) == [
        Finding(("x", *([0] * 49)), 3, "深" + "第1项" * 49 + " 嵌套层数超过 50 层，请按表单填写")
    ]


def test_every_value_out_of_bounds_is_found_not_only_the_first() -> None:
    """Too deep, a bool skipped, and two numbers beyond MAX_INT: all are looked at."""
    found = out_of_bounds({"n": 10**12, "y": -(10**13), "x": _lists(60), "b": True}, DEEP)
    assert sorted(found, key=lambda f: str(f.path)) == [
        Finding(("n",), 3, "人数 的数值 1000000000000 超出合理范围（绝对值不能大于 1000000000），请检查"),
        Finding(("x", *([0] * 49)), 3, "深" + "第1项" * 49 + " 嵌套层数超过 50 层，请按表单填写"),
        Finding(("y",), 3, "y 的数值 -10000000000000 超出合理范围（绝对值不能大于 1000000000），请检查"),
    ]


def test_a_number_of_exactly_max_int_is_within_bounds() -> None:
    assert out_of_bounds({"n": 1_000_000_000, "y": -1_000_000_000}, DEEP) == []
    assert out_of_bounds({"n": 1_000_000_001}, DEEP) == [
        Finding(("n",), 3, "人数 的数值 1000000001 超出合理范围（绝对值不能大于 1000000000），请检查")
    ]


def test_an_integer_key_of_a_mapping_is_a_field_name_not_an_index() -> None:
    assert out_of_bounds({5: 10**12}, DEEP) == [
        Finding(("5",), 3, "5 的数值 1000000000000 超出合理范围（绝对值不能大于 1000000000），请检查")
    ]


def test_date_text_inside_a_list_is_checked_with_the_items_schema() -> None:
    schema = {
        "properties": {
            "days": {"type": "array", "title": "日期", "items": {"type": "string", "format": "date"}}
        }
    }
    assert out_of_bounds({"days": ["2026-03-09", "1899-12-31"]}, schema) == [
        Finding(("days", 1), 3, "日期第2项 的年份 1899 超出合理范围（1900–2200 年），请检查日期")
    ]
