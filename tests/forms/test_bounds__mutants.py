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
