"""The dates and deadlines of the lifecycle ("Date rules" of scenarios/README.md), all in Asia/Shanghai."""

from __future__ import annotations

import calendar as gregorian
from datetime import date, datetime, timedelta

from domain.calendar import BusinessCalendar, end_of_day
from domain.policy import Policy
from domain.vocab import Schedule


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole calendar months, the day clamped to the month's end (11-30 + 3 → 02-28/29)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def application_deadline(start: date, policy: Policy, cal: BusinessCalendar) -> date:
    """The last day an opening application for a class starting on ``start`` may be filed."""
    # 004 (三)1: 培训开班3个工作日前 ... 提交培训开班申请
    return cal.sub_working_days(start, policy.opening_lead_working_days)


def assessment_request_deadline(end: date, policy: Policy) -> date:
    """The last day the assessment request of a class ending on ``end`` may be filed."""
    # 004 (三)3: 结业前 3 天 ... 提出考核申请 (calendar days)
    return end - timedelta(days=policy.assessment_lead_days)


def opening_review_due(start: date) -> datetime:
    """When the opening review must be finished: the end of the day before the start."""
    return end_of_day(start - timedelta(days=1))


def claim_review_due(claim_date: date, policy: Policy, cal: BusinessCalendar) -> datetime:
    """When first review and recheck of a claim filed on ``claim_date`` must be done."""
    # 004 (三)4: 人社部门应在7个工作日内完成受理及审核工作
    return end_of_day(cal.add_working_days(claim_date, policy.claim_review_days))


def notice_window(published_on: date, policy: Policy, cal: BusinessCalendar) -> tuple[date, date]:
    """First and last day of the public notice published when the claim recheck approves."""
    # 004 (三)4: 进行不少于3个工作日的公示
    start = cal.add_working_days(published_on, 1)
    return start, cal.add_working_days(start, policy.notice_days - 1)


def notice_closes_at(end: date) -> datetime:
    """The last instant objections are accepted: the end of the notice's last day."""
    return end_of_day(end)


def payment_due(notice_end: date, policy: Policy, cal: BusinessCalendar) -> datetime:
    """When the disbursement must be made: ``payment_days`` working days after the notice."""
    # design card: payment within 7 (working) days after the notice closes
    return end_of_day(cal.add_working_days(notice_end, policy.payment_days))


def class_end_limit(start: date, schedule: Schedule, policy: Policy) -> date:
    """The latest end date of a class starting on ``start`` (a 03-09 full-time class may end on 06-09)."""
    # 000 五(三): 全脱产不超过3个月，半脱产不超过6个月
    months = policy.full_time_max_months if schedule is Schedule.FULL_TIME else policy.part_time_max_months
    return add_months(start, months)
