"""The real-name list of certified trainees (004 attachment 2: 取证总人数; 实名制 002 四(二), 003 (九))."""

from __future__ import annotations

from domain.certificates import apply_certificates
from domain.errors import ErrorCode
from domain.records import AssessmentResult, Certificate, KindResult
from domain.vocab import AssessmentKind

SKILL = AssessmentKind.SKILL_LEVEL
SPECIAL = AssessmentKind.SPECIAL_OPERATION
ROSTER = ["410881199503020118", "41088119950302109X", "410881199503020134"]


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


def test_counts_are_derived_by_person_per_kind_and_overall() -> None:
    # 004 attachment 2: 取证总人数 — a person with two certificates is one certified person
    result, found = apply_certificates(
        _result(
            Certificate(SKILL, "A-1", row=1),
            Certificate(SKILL, "A-2", id_number=ROSTER[1]),
            Certificate(SPECIAL, "B-1", row=2, id_number=ROSTER[1]),  # row and ID number: the same person
            Certificate(SPECIAL, "B-2", id_number=ROSTER[0]),
        ),
        ROSTER,
    )
    assert found == []
    assert [r.certified for r in result.results] == [2, 2]
    assert result.certified_total == 2
    assert result.certified == 2


def test_stated_counts_must_agree_with_the_list() -> None:
    certs = (
        Certificate(SKILL, "A-1", row=1),
        Certificate(SPECIAL, "B-1", row=1),
        Certificate(SKILL, "A-2", row=3),
    )
    agreed, found = apply_certificates(_result(*certs, stated=(2, 1), total=2), ROSTER)
    assert found == []
    assert agreed.certified_total == 2
    _, found = apply_certificates(_result(*certs, stated=(3, 1), total=3), ROSTER)
    assert [(v.code, v.field) for v in found] == [
        (ErrorCode.COUNTS_INCONSISTENT, "results[0].certified"),
        (ErrorCode.COUNTS_INCONSISTENT, "certified_total"),
    ]
    assert "与取证人员名单中该类别的 2 人不符" in found[0].message
    assert "与取证人员名单中的 2 人不符" in found[1].message


def test_each_certificate_names_a_trainee_of_the_roster_a_kind_assessed_and_a_new_number() -> None:
    # 实名制: a certificate counts only for a trainee on this class's roster
    result, found = apply_certificates(
        _result(
            Certificate(SKILL, "A-1", row=4),  # the roster has 3 lines
            Certificate(SKILL, "A-2", id_number="110105199003070017"),  # not on the roster
            Certificate(AssessmentKind.COMPLETION, "A-3", row=1),  # a kind not assessed
            Certificate(SKILL, "A-1", row=2),  # the number of the first line again
            Certificate(SKILL, "A-5"),  # nobody named
            Certificate(SKILL, "A-6", row=1, id_number=ROSTER[2]),  # line 1 is someone else
            Certificate(SKILL, "A-7", row=0),
        ),
        ROSTER,
    )
    assert [(v.code, v.field) for v in found] == [
        (ErrorCode.INVALID_FIELD, "certificates[0].row"),
        (ErrorCode.INVALID_FIELD, "certificates[1].id_number"),
        (ErrorCode.INVALID_FIELD, "certificates[2].kind"),
        (ErrorCode.INVALID_FIELD, "certificates[3].certificate_no"),
        (ErrorCode.INVALID_FIELD, "certificates[4].id_number"),
        (ErrorCode.INVALID_FIELD, "certificates[5].id_number"),
        (ErrorCode.INVALID_FIELD, "certificates[6].row"),
    ]
    assert "序号 4 不在本班花名册中（花名册共 3 人）" in found[0].message
    assert "“结业考核”不在本次考核结果的类别（职业技能等级认定、特种作业操作考核）中" in found[2].message
    assert "证书编号 A-1 与第1行重复" in found[3].message
    assert "请填写学员在花名册中的序号或身份证号" in found[4].message
    assert "与花名册第1行的学员不一致" in found[5].message
    assert result.certificates is not None and result.results[0].certified == 0  # unchanged


def test_a_full_width_id_number_is_the_rosters() -> None:
    full_width = ROSTER[1][:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    result, found = apply_certificates(_result(Certificate(SKILL, "A-1", id_number=full_width)), ROSTER)
    assert found == []
    assert result.certified_total == 1


def test_without_a_list_the_result_is_unchanged() -> None:
    plain = AssessmentResult(results=(KindResult(SKILL, 3, 2),), satisfaction_pct=90.0)
    assert apply_certificates(plain, ROSTER) == (plain, [])


def test_an_empty_list_certifies_nobody() -> None:
    result, found = apply_certificates(_result(), ROSTER)
    assert found == []
    assert (result.certified_total, [r.certified for r in result.results]) == (0, [0, 0])
