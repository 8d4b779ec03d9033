"""The real-name list of certified trainees (004 attachment 2: 取证总人数, 实名制).

When the assessment result carries the list of certificates obtained, each certificate must name a
trainee of the case's roster (by roster line or ID number), one of the kinds assessed, and a
certificate number not given twice. The counts are then derived from the list, by person: per kind
the trainees with a certificate of that kind, overall (取证总人数) the trainees with at least one.
Figures the form also states must agree with the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from domain.errors import ErrorCode, Violation
from domain.idnumber import normalize_id_number
from domain.records import AssessmentResult, Certificate, KindResult


def _trainee(i: int, cert: Certificate, roster: Sequence[str]) -> tuple[str | None, Violation | None]:
    """The roster ID number a certificate names, or why it names nobody of this class."""
    field = f"certificates[{i}]"
    # 实名制 (002 四(二), 003 (九)): a certificate counts only for a trainee of the class's own roster
    by_row: str | None = None
    if cert.row is not None:
        if not 1 <= cert.row <= len(roster):
            text = f"取证人员名单第{i + 1}行：序号 {cert.row} 不在本班花名册中（花名册共 {len(roster)} 人），请核对序号"
            return None, Violation(ErrorCode.INVALID_FIELD, f"{field}.row", text)
        by_row = roster[cert.row - 1]
    if cert.id_number is None:
        if by_row is None:
            text = f"取证人员名单第{i + 1}行：请填写学员在花名册中的序号或身份证号"
            return None, Violation(ErrorCode.INVALID_FIELD, f"{field}.id_number", text)
        return by_row, None
    number = normalize_id_number(cert.id_number)
    if number not in roster:
        text = f"取证人员名单第{i + 1}行：身份证号 {cert.id_number} 的学员不在本班花名册中，请核对身份证号"
        return None, Violation(ErrorCode.INVALID_FIELD, f"{field}.id_number", text)
    if by_row is not None and by_row != number:
        text = f"取证人员名单第{i + 1}行：身份证号与花名册第{cert.row}行的学员不一致，请核对序号或身份证号"
        return None, Violation(ErrorCode.INVALID_FIELD, f"{field}.id_number", text)
    return number, None


def _entries(
    result: AssessmentResult, roster: Sequence[str]
) -> tuple[list[tuple[str, str]], list[Violation]]:
    """(trainee, kind) of each certificate, and every problem of the list in its order."""
    assert result.certificates is not None  # noqa: S101 - called only with a list
    kinds = {r.kind for r in result.results}
    first_no: dict[str, int] = {}
    found: list[Violation] = []
    pairs: list[tuple[str, str]] = []
    for i, cert in enumerate(result.certificates):
        field = f"certificates[{i}]"
        trainee, problem = _trainee(i, cert, roster)
        if problem is not None:
            found.append(problem)
        if cert.kind not in kinds:
            assessed = "、".join(r.kind.value for r in result.results)
            text = f"取证人员名单第{i + 1}行：证书类型“{cert.kind.value}”不在本次考核结果的类别（{assessed}）中，请核对"
            found.append(Violation(ErrorCode.INVALID_FIELD, f"{field}.kind", text))
        number = cert.certificate_no.strip()
        if number in first_no:
            text = f"取证人员名单第{i + 1}行：证书编号 {number} 与第{first_no[number] + 1}行重复，一个证书只能登记一次"
            found.append(Violation(ErrorCode.INVALID_FIELD, f"{field}.certificate_no", text))
        else:
            first_no[number] = i
        if trainee is not None:
            pairs.append((trainee, cert.kind.value))
    return pairs, found


def apply_certificates(
    result: AssessmentResult, roster: Sequence[str]
) -> tuple[AssessmentResult, list[Violation]]:
    """The result with its counts derived from its list of certificates, and every problem of the list.

    ``roster`` is the case's roster ID numbers in roster order (line 1 first). A result without a list
    is returned as it is. With problems in the list, the result is returned unchanged.
    """
    # 004 attachment 2: 取证总人数 — counted by person from the real-name list of certificates
    if result.certificates is None:
        return result, []
    pairs, found = _entries(result, roster)
    if found:
        return result, found
    derived: list[KindResult] = []
    for k, kind_result in enumerate(result.results):
        count = len({trainee for trainee, kind in pairs if kind == kind_result.kind.value})
        if kind_result.certified_stated and kind_result.certified != count:
            text = (
                f"{kind_result.kind.value}取证人数 {kind_result.certified} 与取证人员名单中该类别的 {count} 人不符，"
                "请按名单更正取证人数（或不填，由名单计算）"
            )
            found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, f"results[{k}].certified", text))
        derived.append(replace(kind_result, certified=count, certified_stated=True))
    total = len({trainee for trainee, _kind in pairs})
    if result.certified_total is not None and result.certified_total != total:
        text = (
            f"取证总人数 {result.certified_total} 与取证人员名单中的 {total} 人不符（同一人取得多个证书只计一次），"
            "请按名单更正取证总人数（或不填，由名单计算）"
        )
        found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, "certified_total", text))
    if found:
        return result, found
    return replace(result, results=tuple(derived), certified_total=total), []
