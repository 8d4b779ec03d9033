"""Arbitrary data never crashes the validator: it is accepted or refused field by field."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import ErrorCode
from forms.catalogue import FORM_IDS, field_order
from forms.validator import validate

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | st.dates()
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def form_data(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A form id and data using some of its real field names with arbitrary values."""
    form_id = draw(st.sampled_from(FORM_IDS))
    names = st.sampled_from(field_order(form_id)) | st.text(max_size=4)
    return form_id, draw(st.dictionaries(names, json_like, max_size=6))


@settings(max_examples=100, deadline=None)
@given(form_data())
def test_the_validator_accepts_or_refuses_field_by_field(case: tuple[str, dict[str, Any]]) -> None:
    form_id, data = case
    result = validate(form_id, data)
    assert result.ok == (result.value is not None)
    assert all(v.code is ErrorCode.INVALID_FIELD and v.field is not None and v.message for v in result.errors)
    assert len({v.field for v in result.errors}) == len(result.errors)
