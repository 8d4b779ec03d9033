"""The shipped form schemas: valid JSON Schema, Chinese labels everywhere, vocabularies from the domain."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from importlib.resources import files
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from domain import vocab
from forms.catalogue import EVENT_IDS, FORM_IDS, TASK_IDS, field_order, load_schema, schema_for

OPTIONAL = {"comment", "applicant_kind", "credit_code", "project_type", "certified_total", "certificates",
            "evidence"}  # evidence: the hashes of the files attached (004 (三)2), optional  # fmt: skip
# optional in a list item: the trainee of a certificate by roster line or ID number (one of them, domain);
# a kind's 取证人数 when the list of certificates is given (required otherwise: the form's if/then)
OPTIONAL_IN_ITEMS = {"row", "id_number", "certified"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
WIDGETS = {"text", "textarea", "date", "number", "radio", "select", "checkbox", "checkboxes", "tel", "table"}
WIDGETS |= {"evidence"}  # the evidence upload (web/static/evidence.js)
ENUMS: dict[tuple[str, str], type[StrEnum]] = {
    ("opening_application", "schedule"): vocab.Schedule,
    ("opening_application", "level"): vocab.Level,
    ("opening_application", "mode"): vocab.TrainingMode,
    ("opening_application", "applicant_kind"): vocab.ApplicantKind,
    ("opening_first_review", "decision"): vocab.Decision,
    ("opening_recheck", "decision"): vocab.Decision,
    ("opening_approval", "decision"): vocab.Decision,
    ("claim_first_review", "decision"): vocab.Decision,
    ("claim_recheck", "decision"): vocab.Decision,
    ("opening_day_check", "sign_in"): vocab.SignIn,
    ("assessment_request", "kinds[]"): vocab.AssessmentKind,
    ("assessment_result", "results[].kind"): vocab.AssessmentKind,
    ("assessment_result", "certificates[].kind"): vocab.AssessmentKind,
    ("objection_investigation", "decision"): vocab.InvestigationOutcome,
    ("payment_approval", "decision"): vocab.PaymentDecision,
    ("disbursement", "fund_source"): vocab.FundSource,
}


def properties(schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, subschema) of every property and array item, depth first."""
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, sub
        yield from properties(sub, path)
        if "items" in sub:
            yield f"{path}[]", sub["items"]
            yield from properties(sub["items"], f"{path}[]")


def objects(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The form itself and every object schema inside it."""
    yield schema
    for _, sub in properties(schema):
        if sub.get("type") == "object":
            yield sub


def test_the_catalogue_has_every_task_of_the_contract_and_the_two_events() -> None:
    assert len(TASK_IDS) == 15
    assert EVENT_IDS == ("objection", "fraud", "rectification")
    shipped = {p.name.removesuffix(".json") for p in (files("forms") / "schemas").iterdir()}
    assert shipped == set(FORM_IDS)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_each_schema_is_valid_draft_2020_12(form_id: str) -> None:
    schema = load_schema(form_id)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_each_schema_and_property_has_a_chinese_title_and_help(form_id: str) -> None:
    schema = load_schema(form_id)
    assert CHINESE.search(schema["title"])
    assert CHINESE.search(schema["description"])
    for path, sub in properties(schema):
        assert CHINESE.search(sub.get("title", "")), path
        assert CHINESE.search(sub.get("description", "")), path


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_each_object_is_closed_ordered_and_required(form_id: str) -> None:
    schema = load_schema(form_id)
    for obj in objects(schema):
        assert obj["additionalProperties"] is False
        assert sorted(obj["x-order"]) == sorted(obj["properties"])
        assert set(obj["required"]) <= set(obj["properties"])
        # optional: comments and the contract v2 additions (each with a default or only for some applicants)
        allowed = OPTIONAL if obj is schema else OPTIONAL | OPTIONAL_IN_ITEMS
        assert set(obj["properties"]) - set(obj["required"]) <= allowed


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_ui_hints_and_dates(form_id: str) -> None:
    for path, sub in properties(load_schema(form_id)):
        if "x-ui" in sub:
            assert sub["x-ui"]["widget"] in WIDGETS, path
        if path.endswith("date"):
            assert sub["format"] == "date"
            assert sub["x-ui"]["widget"] == "date"
        if sub.get("type") == "integer":
            assert sub["minimum"] >= 0, path
        if "x-enum-titles" in sub:
            assert list(sub["x-enum-titles"]) == sub["enum"]


def test_enums_are_the_domain_vocabularies() -> None:
    for (form_id, path), enum in ENUMS.items():
        subs = dict(properties(load_schema(form_id)))
        assert subs[path]["enum"] == [member.value for member in enum], (form_id, path)
    every_enum = {(f, p) for f in FORM_IDS for p, sub in properties(load_schema(f)) if "enum" in sub}
    assert every_enum == set(ENUMS)


def test_the_bounds_the_brief_fixes() -> None:
    app = dict(properties(load_schema("opening_application")))
    assert app["class_hours"]["minimum"] == 1
    assert app["roster"]["minItems"] == 1
    assert "pattern" not in app["roster[].id_number"]  # GB 11643 is the domain's id_number_invalid
    assert app["roster[].name"]["maxLength"] == 20
    commitment = load_schema("subsidy_claim")["properties"]["commitment"]
    assert commitment["type"] == "boolean"
    assert "const" not in commitment  # false is the domain's commitment_required
    assert "enum" not in commitment
    kinds = load_schema("assessment_request")["properties"]["kinds"]
    assert kinds["minItems"] == 1
    assert kinds["uniqueItems"] is True
    pct = load_schema("assessment_result")["properties"]["satisfaction_pct"]
    assert (pct["type"], pct["minimum"], pct["maximum"]) == ("number", 0, 100)
    assert load_schema("opening_first_review")["properties"]["comment"]["default"] == ""


def test_schema_for_hands_out_a_copy() -> None:
    schema = schema_for("spot_check")
    schema["title"] = "changed"
    assert schema_for("spot_check")["title"] == "过程抽查"


def test_field_order_is_the_form_order() -> None:
    assert field_order("spot_check") == ("date", "place", "teachers_present", "attendance", "evidence")
    assert field_order("opening_application")[:4] == (
        "applicant_kind",
        "institution",
        "credit_code",
        "contact_name",
    )
    assert field_order("opening_application")[14:17] == ("level", "project_type", "planned_count")
    assert field_order("assessment_result") == (
        "results",
        "certified_total",
        "certificates",
        "satisfaction_pct",
        "evidence",
    )
    assert field_order("opening_application")[-2:] == ("roster", "teaching_plan")


def test_an_unknown_form_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no form for task id 'opening'"):
        schema_for("opening")
    with pytest.raises(ValueError, match="no form"):
        field_order("../opening_application")
