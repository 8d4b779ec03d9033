"""Step data out of the sane ranges is a refused field (`invalid_field`), whoever calls the form check:
integers the database cannot hold, dates outside 1900–2200, data nested deeper than any form."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from forms.bounds import MAX_DEPTH, MAX_INT
from forms.validator import validate


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_data_is_refused_without_recursion(depth: int) -> None:
    result = validate("objection", {"text": "t", "extra": _nested(depth)})
    assert not result.ok
    assert [(e.code.value, e.field) for e in result.errors] == [
        ("invalid_field", "extra" + "[0]" * (MAX_DEPTH - 1))
    ]
    assert "嵌套层数超过 50 层" in result.errors[0].message
    json.dumps([e.as_dict() for e in result.errors])  # the result object stays printable


@pytest.mark.parametrize(
    ("data", "field", "needle"),
    [
        ({"claimed_count": MAX_INT + 1, "commitment": True}, "claimed_count", "超出合理范围"),
        ({"claimed_count": -(10**40), "commitment": True}, "claimed_count", "超出合理范围"),
        ({"claimed_count": 2**70, "commitment": True}, "claimed_count", "超出合理范围"),
    ],
)
def test_integers_beyond_the_database_are_refused_fields(
    data: dict[str, Any], field: str, needle: str
) -> None:
    result = validate("subsidy_claim", data)
    assert [(e.code.value, e.field) for e in result.errors] == [("invalid_field", field)]
    assert needle in result.errors[0].message


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1899, 12, 31), date(2201, 1, 1), date(9999, 12, 31), "9999-12-31"]
)
def test_dates_outside_the_sane_era_are_refused_fields(day: date | str) -> None:
    result = validate("assessment_request", {"date": day, "kinds": ["结业考核"]})
    assert [(e.code.value, e.field) for e in result.errors] == [("invalid_field", "date")]
    assert "1900–2200" in result.errors[0].message


def test_the_sane_era_itself_is_accepted() -> None:
    for day in (date(1900, 1, 1), date(2200, 12, 31)):
        assert validate("assessment_request", {"date": day, "kinds": ["结业考核"]}).ok
    assert validate("subsidy_claim", {"claimed_count": 40, "commitment": True}).ok
