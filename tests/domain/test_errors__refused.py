"""The contract's error object and the Refused exception."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, Refused, Violation
from domain.records import AssessmentResult, KindResult
from domain.vocab import AssessmentKind


def test_violation_as_dict() -> None:
    """{"code", "field", "message"} as in the result object."""
    v = Violation(ErrorCode.FOUR_EYES, None, "复核人不能与初审人相同")
    assert v.as_dict() == {"code": "four_eyes", "field": None, "message": "复核人不能与初审人相同"}


def test_refused_keeps_order_and_first() -> None:
    """The first violation is the result's `error`; an empty refusal is a bug."""
    a = Violation(ErrorCode.TOO_LATE, "start_date", "晚了")
    b = Violation(ErrorCode.ROSTER_MISMATCH, "planned_count", "不一致")
    refused = Refused([a, b])
    assert refused.first == a
    assert refused.violations == (a, b)
    assert "too_late" in str(refused)
    with pytest.raises(ValueError, match="at least one"):
        Refused([])


def test_assessment_result_certified_sums_kinds() -> None:
    """certified is the sum over every kind (the contract's `certified`)."""
    result = AssessmentResult(
        results=(
            KindResult(AssessmentKind.SKILL_LEVEL, 20, 18),
            KindResult(AssessmentKind.COMPLETION, 10, 9),
        ),
        satisfaction_pct=90,
    )
    assert result.certified == 27
