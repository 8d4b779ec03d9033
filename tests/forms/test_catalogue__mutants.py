"""The form catalogue (forms/catalogue.py) pinned: an unknown form id lists the known ones, and a schema
handed out is the caller's own copy, nested parts included.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

import pytest

from forms.catalogue import FORM_IDS, check_form_id, schema_for


def test_an_unknown_form_id_is_refused_listing_every_known_form() -> None:
    with pytest.raises(ValueError) as refused:
        check_form_id("opening")
    assert str(refused.value) == f"no form for task id 'opening'; known: {', '.join(FORM_IDS)}"
    assert str(refused.value).startswith("no form for task id 'opening'; known: opening_application, ")


def test_changing_a_nested_part_of_a_schema_leaves_the_next_copy_whole() -> None:
    first = schema_for("subsidy_claim")
    title = first["properties"]["claimed_count"]["title"]
    first["properties"]["claimed_count"]["title"] = "改过"
    first["properties"].pop("commitment")
    again = schema_for("subsidy_claim")
    assert again["properties"]["claimed_count"]["title"] == title != "改过"
    assert "commitment" in again["properties"]
