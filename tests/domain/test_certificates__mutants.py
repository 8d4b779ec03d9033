"""The real-name list of certificates (004 attachment 2: 取证总人数; 实名制 002 四(二), 003 (九)) pinned
exactly: each refusal's code, field and Chinese message naming the list's line (1-based), and the derived
counts marked as stated.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from domain.certificates import apply_certificates
from domain.errors import ErrorCode, Violation
from domain.records import AssessmentResult, Certificate, KindResult
from domain.vocab import AssessmentKind

SKILL = AssessmentKind.SKILL_LEVEL
SPECIAL = AssessmentKind.SPECIAL_OPERATION
ROSTER = ["410881199503020118", "41088119950302109X", "410881199503020134"]
OUTSIDER = "110105199003070017"


def _result(
    *certs: Certificate, stated: tuple[int | None, int | None] = (None, None), total: int | None = None
) -> AssessmentResult:
    skill, special = stated
    return AssessmentResult(
        results=(
            KindResult(SKILL, 3, skill or 0, certified_stated=skill is not None),
            KindResult(SPECIAL, 2, special or 0, certified_stated=special is not None),
        ),
        satisfaction_pct=96.0,
        certified_total=total,
        certificates=certs,
    )


def _found(*certs: Certificate) -> list[Violation]:
    result = _result(*certs)
    unchanged, found = apply_certificates(result, ROSTER)
    assert unchanged is result
    return found


def test_a_row_outside_the_roster_names_the_lists_line_and_the_roster_size() -> None:
    assert _found(Certificate(SKILL, "A-1", row=1), Certificate(SKILL, "A-2", row=4)) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[1].row",
            "取证人员名单第2行：序号 4 不在本班花名册中（花名册共 3 人），请核对序号",
        )
    ]


def test_a_line_naming_nobody_asks_for_the_row_or_id_number() -> None:
    assert _found(Certificate(SKILL, "A-1", row=1), Certificate(SKILL, "A-2")) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[1].id_number",
            "取证人员名单第2行：请填写学员在花名册中的序号或身份证号",
        )
    ]


def test_an_id_number_outside_the_roster_is_named() -> None:
    assert _found(Certificate(SKILL, "A-1", row=1), Certificate(SKILL, "A-2", id_number=OUTSIDER)) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[1].id_number",
            f"取证人员名单第2行：身份证号 {OUTSIDER} 的学员不在本班花名册中，请核对身份证号",
        )
    ]


def test_a_row_and_id_number_of_different_trainees_disagree() -> None:
    assert _found(
        Certificate(SKILL, "A-1", row=1), Certificate(SKILL, "A-2", row=3, id_number=ROSTER[0])
    ) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[1].id_number",
            "取证人员名单第2行：身份证号与花名册第3行的学员不一致，请核对序号或身份证号",
        )
    ]


def test_a_kind_not_assessed_is_named_with_the_kinds_that_were() -> None:
    cert = Certificate(AssessmentKind.COMPLETION, "C-1", row=2)
    assert _found(Certificate(SKILL, "A-1", row=1), cert) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[1].kind",
            "取证人员名单第2行：证书类型“结业考核”不在本次考核结果的类别（职业技能等级认定、特种作业操作考核）中，请核对",
        )
    ]


def test_a_certificate_number_given_twice_names_both_lines() -> None:
    certs = (
        Certificate(SKILL, "A-1", row=1),
        Certificate(SKILL, "A-2", row=2),
        Certificate(SPECIAL, " A-1 ", row=3),
    )
    assert _found(*certs) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[2].certificate_no",
            "取证人员名单第3行：证书编号 A-1 与第1行重复，一个证书只能登记一次",
        )
    ]


def test_a_stated_kind_count_that_disagrees_is_refused_in_full() -> None:
    result = _result(Certificate(SKILL, "A-1", row=1), Certificate(SPECIAL, "B-1", row=2), stated=(3, None))
    unchanged, found = apply_certificates(result, ROSTER)
    assert unchanged is result
    assert found == [
        Violation(
            ErrorCode.COUNTS_INCONSISTENT,
            "results[0].certified",
            "职业技能等级认定取证人数 3 与取证人员名单中该类别的 1 人不符，请按名单更正取证人数（或不填，由名单计算）",
        )
    ]


def test_a_stated_total_that_disagrees_is_refused_in_full() -> None:
    result = _result(Certificate(SKILL, "A-1", row=1), Certificate(SPECIAL, "B-1", row=1), total=2)
    _unchanged, found = apply_certificates(result, ROSTER)
    assert found == [
        Violation(
            ErrorCode.COUNTS_INCONSISTENT,
            "certified_total",
            "取证总人数 2 与取证人员名单中的 1 人不符（同一人取得多个证书只计一次），"
            "请按名单更正取证总人数（或不填，由名单计算）",
        )
    ]


def test_counts_derived_from_the_list_are_marked_as_stated() -> None:
    """Left out on the form, a kind's 取证人数 comes from the list and is then a stated figure of the result."""
    result, found = apply_certificates(_result(Certificate(SKILL, "A-1", row=1)), ROSTER)
    assert found == []
    assert [(r.certified, r.certified_stated) for r in result.results] == [(1, True), (0, True)]
    assert result.certified_total == 1
