"""Which form fields hold personal data (forms/personal.py: ``"x-personal": true`` in the form's schema), pinned:
the catalogue's personal fields in schema order, lists as ``*``, nested objects walked, and a path's kind.

Written against the mutants that had no fast test (mutmut, issue 7).
"""

from __future__ import annotations

from forms.personal import ITEMS, kind_of, paths_of_schema, personal_paths


def test_the_opening_application_names_its_personal_fields_in_schema_order() -> None:
    assert personal_paths("opening_application") == (
        ("contact_name",),
        ("contact_phone",),
        ("bank_account",),
        ("roster", "*", "name"),
        ("roster", "*", "id_number"),
        ("roster", "*", "phone"),
    )
    assert personal_paths("assessment_result") == (("certificates", "*", "id_number"),)


def test_a_form_without_personal_fields_or_outside_the_catalogue_has_none() -> None:
    assert personal_paths("subsidy_claim") == ()
    assert personal_paths("no_such_form") == ()


def test_nested_objects_lists_and_marked_parents_are_all_walked() -> None:
    schema = {
        "properties": {
            "payee": {
                "x-personal": True,
                "properties": {"name": {"x-personal": True}, "note": {"x-personal": False}},
            },
            "people": {"type": "array", "items": {"properties": {"phone": {"x-personal": True}}}},
            "flag": True,  # a boolean subschema holds no fields
            "tags": {"type": "array", "items": True},
            "plain": {"x-personal": "yes"},  # only true marks a field
            "later": {"x-personal": True},  # fields after a boolean subschema are still walked
        }
    }
    assert paths_of_schema(schema) == (("payee",), ("payee", "name"), ("people", ITEMS, "phone"), ("later",))
    assert paths_of_schema({"properties": None}) == ()
    assert paths_of_schema({}) == ()


def test_the_kind_of_a_path_is_its_fields_name() -> None:
    assert kind_of(("roster", ITEMS, "id_number")) == "id_number"
    assert kind_of(("contact_phone",)) == "contact_phone"
