"""Contract v2 form fields: applicant kind, credit code, project type, certified_total, names and ID numbers."""

from __future__ import annotations

from typing import Any

import pytest

from domain.opening import name_problems
from domain.records import AssessmentResult, OpeningApplication
from domain.vocab import ApplicantKind
from forms.validator import validate


def opening(data: dict[str, Any]) -> OpeningApplication:
    """The bound application (the form must pass)."""
    result = validate("opening_application", data)
    assert result.ok, result.errors
    assert isinstance(result.value, OpeningApplication)
    return result.value


def test_applicant_kind_defaults_to_institution(application: dict[str, Any]) -> None:
    """004 (三)4: a version-1 application is an institution's, with no credit code or project type."""
    app = opening(application)
    assert (app.applicant_kind, app.credit_code, app.project_type) == (ApplicantKind.INSTITUTION, None, None)


def test_enterprise_fields_are_bound_and_the_credit_code_normalised(application: dict[str, Any]) -> None:
    """GB 32100: blanks, dashes, lower case and full-width characters of a credit code are normalised."""
    data = {**application, "applicant_kind": "enterprise", "credit_code": " 91419001ｍａ3x5r7lxj ",
            "project_type": "技能提升"}  # fmt: skip
    app = opening(data)
    assert app.applicant_kind is ApplicantKind.ENTERPRISE
    assert app.credit_code == "91419001MA3X5R7LXJ"
    assert app.project_type == "技能提升"


def test_an_unknown_applicant_kind_is_invalid(application: dict[str, Any]) -> None:
    """A closed vocabulary: institution, enterprise, individual."""
    result = validate("opening_application", {**application, "applicant_kind": "company"})
    assert [(v.code.value, v.field) for v in result.errors] == [("invalid_field", "applicant_kind")]


def test_full_width_id_numbers_are_bound_as_ascii(application: dict[str, Any]) -> None:
    """Contract v2: full-width digits, a full-width Ｘ and a lower-case x are normalised before every check."""
    first = application["roster"][0]["id_number"]
    wide = "".join(chr(0xFF10 + int(c)) if c.isdigit() else "ｘ" for c in first)
    roster = [{**application["roster"][0], "id_number": f"\u3000{wide} "}, *application["roster"][1:]]
    assert opening({**application, "roster": roster}).roster[0].id_number == first.upper()


@pytest.mark.parametrize(
    "name",
    [
        "张\u200b三",
        "\ufeff张三",
        "张三\u202e",
        "张\u2066三\u2069",
        "张\u200e三",
        "张\u061c三",
        "张\x07三",
        "张\u2060三",
        "张\u180e三",
        "张\u00ad三",
        "张\u2028三",
        "张\U000e0001三",
    ],
)
def test_a_name_with_invisible_characters_is_invalid(application: dict[str, Any], name: str) -> None:
    """Contract v2: control, zero-width or bidi formatting characters → invalid_field roster[i].name."""
    roster = [
        *application["roster"][:1],
        {**application["roster"][1], "name": name},
        *application["roster"][2:],
    ]
    # The form's shape is fine: the rule names the line (and is listed beside any form error).
    assert validate("opening_application", {**application, "roster": roster}).ok
    problems = name_problems(roster)
    assert [(v.code.value, v.field) for v in problems] == [("invalid_field", "roster[1].name")]
    assert "零宽" in problems[0].message and "第2名学员" in problems[0].message


def test_ordinary_names_pass(application: dict[str, Any]) -> None:
    """Chinese names with a middle dot or Latin letters are fine."""
    roster = [{**application["roster"][0], "name": "阿依古丽·买买提"}, *application["roster"][1:]]
    assert opening({**application, "roster": roster}).roster[0].name == "阿依古丽·买买提"


def test_certified_total_is_bound_and_checked_as_a_count() -> None:
    """004 attachment 2: 取证总人数 is a non-negative integer, optional in the form."""
    results = [{"kind": "职业技能等级认定", "participants": 40, "certified": 30}]
    bound = validate("assessment_result", {"results": results, "certified_total": 30, "satisfaction_pct": 96})
    assert isinstance(bound.value, AssessmentResult)
    assert bound.value.certified_total == 30
    plain = validate("assessment_result", {"results": results, "satisfaction_pct": 96})
    assert isinstance(plain.value, AssessmentResult)
    assert plain.value.certified_total is None
    bad = validate("assessment_result", {"results": results, "certified_total": "35", "satisfaction_pct": 96})
    assert [(v.code.value, v.field) for v in bad.errors] == [("invalid_field", "certified_total")]
