"""Form order of violations: field_rank and sort_violations."""

from __future__ import annotations

from domain.errors import ErrorCode, Violation
from domain.opening import OPENING_FIELDS, field_rank, sort_violations


def test_opening_fields_are_the_form_order() -> None:
    """The 开班申请 form's order (scenarios/README.md)."""
    assert OPENING_FIELDS[:3] == ("applicant_kind", "institution", "credit_code")
    assert OPENING_FIELDS[-2:] == ("roster", "teaching_plan")
    assert OPENING_FIELDS.index("project_type") == OPENING_FIELDS.index("level") + 1
    assert len(OPENING_FIELDS) == 21


def test_ranks() -> None:
    """roster[3].id_number after planned_count, by index inside roster, unknown fields then None last."""
    ranked = sorted(
        [
            None,
            "roster[10].id_number",
            "unknown",
            "roster[3].id_number",
            "planned_count",
            "roster",
            "roster[3].name",
        ],
        key=lambda f: field_rank(f, OPENING_FIELDS),
    )
    assert ranked == [
        "planned_count",
        "roster",
        "roster[3].name",
        "roster[3].id_number",
        "roster[10].id_number",
        "unknown",
        None,
    ]
    assert field_rank("", OPENING_FIELDS) == (len(OPENING_FIELDS),)
    assert field_rank("results[1].certified", ("results", "satisfaction_pct")) > field_rank(
        "results[1].participants", ("results", "satisfaction_pct")
    )
    assert field_rank("roster[0].nickname", OPENING_FIELDS) > field_rank("roster[0].group", OPENING_FIELDS)


def test_sort_is_stable() -> None:
    """Two violations of one field keep their order."""
    a = Violation(ErrorCode.CLASS_TOO_LARGE, "planned_count", "a")
    b = Violation(ErrorCode.ROSTER_MISMATCH, "planned_count", "b")
    c = Violation(ErrorCode.INSTITUTION_BLOCKED, "institution", "c")
    d = Violation(ErrorCode.FORBIDDEN, None, "d")
    assert sort_violations([d, a, b, c], OPENING_FIELDS) == [c, a, b, d]
