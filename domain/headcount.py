"""Headcounts and the subsidy: opening-day cancellation, spot-check base, eligible trainees, base + performance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from domain.errors import ErrorCode, Violation
from domain.policy import exact_ratio
from domain.records import KindResult

FEN_PER_YUAN = 100


def is_opening_cancelled(actual: int, planned: int, min_pct: int | float) -> bool:
    """Whether the opening-day count cancels the class; exactly ``min_pct`` % is not cancelled."""
    # 004 (三)2: 开班当日实际参加培训人数低于计划申报人数 90% 的取消本次培训班
    return actual * 100 < planned * exact_ratio(min_pct)


def attendance_base(opening_count: int, spot_attendances: Sequence[int], min_pct: int | float) -> int:
    """The headcount the subsidy is computed on: the opening count, or the rounded-down spot-check mean."""
    # 004 (三)2: 抽查中培训学员平均人数低于开班人数 90% 的，补贴资金按平均人数为基准予以核拨
    k = len(spot_attendances)
    total = sum(spot_attendances)
    if k > 0 and total * 100 < exact_ratio(min_pct) * k * opening_count:
        return total // k
    return opening_count


def eligible_count(claimed: int, certified: int, base: int) -> int:
    """Trainees the subsidy is paid for: claimed, certified and present, whichever is least."""
    return min(claimed, certified, base)


@dataclass(frozen=True)
class Subsidy:
    """A subsidy in fen, split into the base part and the performance (考核) part."""

    amount_fen: int
    base_fen: int
    performance_fen: int


def subsidy_for(eligible: int, standard_yuan: int, performance_pct: int | float) -> Subsidy:
    """The subsidy of ``eligible`` trainees at ``standard_yuan`` each, performance part rounded up."""
    amount = eligible * standard_yuan * FEN_PER_YUAN
    # 003 (十一): 建立“基础补贴+考核补贴”机制，原则上考核补贴不低于补贴总额的20% (so round up)
    performance = ceil(amount * exact_ratio(performance_pct) / 100)
    return Subsidy(amount_fen=amount, base_fen=amount - performance, performance_fen=performance)


def is_below_satisfaction(satisfaction_pct: int | float, min_pct: int | float) -> bool:
    """Whether the satisfaction survey suspends the institution."""
    # 004 三(三): 满意度调查，低于85%的停止培训开班，限期整改
    return exact_ratio(satisfaction_pct) < exact_ratio(min_pct)


def _negative(value: int, field: str, label: str) -> list[Violation]:
    if value >= 0:
        return []
    return [Violation(ErrorCode.INVALID_FIELD, field, f"{label}不能为负数，请更正")]


def check_opening_day(actual_count: int, planned_count: int) -> list[Violation]:
    """Problems of the opening-day check's count."""
    found = _negative(actual_count, "actual_count", "实到人数")
    if actual_count > planned_count:
        text = f"实到人数 {actual_count} 多于计划培训人数 {planned_count}，请核对签到记录"
        found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, "actual_count", text))
    return found


def check_spot_check(attendance: int, opening_count: int) -> list[Violation]:
    """Problems of a spot check's attendance."""
    found = _negative(attendance, "attendance", "抽查在训人数")
    if attendance > opening_count:
        text = f"抽查在训人数 {attendance} 多于开班人数 {opening_count}，请核对"
        found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, "attendance", text))
    return found


def check_assessment_result(
    results: Sequence[KindResult], opening_count: int, *, satisfaction_pct: int | float | None = None
) -> list[Violation]:
    """Problems of the assessment results (and, when given, the satisfaction rate)."""
    found: list[Violation] = []
    for i, result in enumerate(results):
        field = f"results[{i}]"
        found += _negative(result.participants, f"{field}.participants", "参加考核人数")
        found += _negative(result.certified, f"{field}.certified", "取证人数")
        if result.participants > opening_count:
            text = (
                f"{result.kind.value}参加考核人数 {result.participants} 多于开班人数 {opening_count}，请核对"
            )
            found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, f"{field}.participants", text))
        if result.certified > result.participants:
            text = f"{result.kind.value}取证人数 {result.certified} 多于参加考核人数 {result.participants}，请核对"
            found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, f"{field}.certified", text))
    if satisfaction_pct is not None and not 0 <= satisfaction_pct <= 100:  # noqa: PLR2004 - a percentage
        text = f"满意度 {satisfaction_pct} 应在0到100之间（百分比），请更正"
        found.append(Violation(ErrorCode.INVALID_FIELD, "satisfaction_pct", text))
    return found


def check_certified_total(
    results: Sequence[KindResult], certified_total: int | None, opening_count: int
) -> list[Violation]:
    """Problems of 取证总人数 (004 attachment 2): trainees with at least one certificate."""
    # 004 attachment 2: 取证总人数 — a person with two certificates is one certified person
    if certified_total is None:
        if len(results) <= 1:
            return []
        text = "有多个考核类别时须填写取证总人数（取得至少一个证书的学员人数，同一人只计一次），请填写"
        return [Violation(ErrorCode.INVALID_FIELD, "certified_total", text)]
    if certified_total < 0:
        return _negative(certified_total, "certified_total", "取证总人数")
    most = max((r.certified for r in results), default=0)
    total = sum(r.certified for r in results)
    if not most <= certified_total <= total:
        text = (
            f"取证总人数 {certified_total} 应在各类别取证人数的最大值 {most} 与合计 {total} 之间"
            "（同一人取得多个证书只计一次），请核对"
        )
        return [Violation(ErrorCode.COUNTS_INCONSISTENT, "certified_total", text)]
    if certified_total > opening_count:
        text = f"取证总人数 {certified_total} 多于开班人数 {opening_count}，请核对"
        return [Violation(ErrorCode.COUNTS_INCONSISTENT, "certified_total", text)]
    return []


def check_claim(claimed_count: int, commitment: bool, opening_count: int) -> list[Violation]:
    """Problems of a subsidy claim, in form order (claimed_count, commitment)."""
    found = _negative(claimed_count, "claimed_count", "申领人数")
    if claimed_count > opening_count:
        text = f"申领人数 {claimed_count} 多于开班人数 {opening_count}，请核对"
        found.append(Violation(ErrorCode.COUNTS_INCONSISTENT, "claimed_count", text))
    if not commitment:
        text = "请阅读并勾选承诺：所报材料真实有效，如有虚假愿承担相应责任"
        found.append(Violation(ErrorCode.COMMITMENT_REQUIRED, "commitment", text))
    return found
