"""The assessment request (结业考核申请, 004 (三)3): when it is filed and when the assessment takes place."""

from __future__ import annotations

from datetime import date, timedelta

from domain.deadlines import assessment_request_deadline
from domain.errors import ErrorCode, Violation
from domain.policy import Policy


def check_assessment_request(
    *, filed_on: date, assessment_date: date, end_date: date, policy: Policy
) -> list[Violation]:
    """Every problem of an assessment request, in order: filed too late, then a date outside its window."""
    # 004 (三)3: 结业前3天 ... 提出考核申请 (version 1, checked first)
    found: list[Violation] = []
    last = assessment_request_deadline(end_date, policy)
    if filed_on > last:
        text = (
            f"结业考核申请须在结业日 {end_date} 前 {policy.assessment_lead_days} 天（{last} 前）提出，已逾期"
        )
        found.append(Violation(ErrorCode.TOO_LATE, "date", text))
    # 004 (三)3 + LIFECYCLE.md: the assessment takes place between the request and end + window
    if assessment_date < filed_on:
        text = f"考核日期 {assessment_date} 早于申请日 {filed_on}，请填写申请日当天或之后的考核日期"
        found.append(Violation(ErrorCode.INVALID_FIELD, "date", text))
    latest = end_date + timedelta(days=policy.assessment_window_days)
    if assessment_date > latest:
        text = (
            f"考核日期 {assessment_date} 晚于结业日 {end_date} 后 {policy.assessment_window_days} 天"
            f"（最迟 {latest}），请在此之前安排考核"
        )
        found.append(Violation(ErrorCode.INVALID_FIELD, "date", text))
    return found
