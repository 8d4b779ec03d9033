"""The rules of the opening application (开班申请, 004 (三)1), reported field by field in form order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Protocol

from domain.applicant import InstitutionRegister, check_applicant
from domain.calendar import BusinessCalendar, CalendarMissing
from domain.deadlines import application_deadline, class_end_limit
from domain.eligibility import ineligibility
from domain.errors import ErrorCode, Violation
from domain.idnumber import birth_readable, id_number_problem, normalize_id_number
from domain.plan import PlanBook, check_quota
from domain.policy import Policy, exact_ratio
from domain.records import OpeningApplication, Trainee
from domain.vocab import Level, Schedule


class TrainingRegistry(Protocol):
    """Earlier subsidised training of a person (training records and other approved cases)."""

    def trained_in_year(self, id_number: str, year: int) -> bool:
        """Whether the person already had a subsidised class starting in ``year``."""
        ...

    def trained_in_occupation(self, id_number: str, occupation: str) -> bool:
        """Whether the person ever had a subsidised class of ``occupation``."""
        ...

    def subsidies_count(self, id_number: str) -> int:
        """Subsidised classes of the person in any year (records and other live, approved cases)."""
        ...


class Catalogue(InstitutionRegister, Protocol):
    """The bureau's catalogue of institutions, enterprises and published projects."""

    def is_published(self, occupation: str, level: Level) -> bool:
        """Whether occupation + level is a published subsidised project."""
        ...


OPENING_FIELDS: tuple[str, ...] = (
    "applicant_kind",
    "institution",
    "credit_code",
    "contact_name",
    "contact_phone",
    "bank_name",
    "bank_account",
    "batch",
    "start_date",
    "end_date",
    "schedule",
    "class_hours",
    "practical_hours",
    "occupation",
    "level",
    "project_type",
    "planned_count",
    "mode",
    "key_group",
    "roster",
    "teaching_plan",
)

# Fields of list items (roster lines, assessment results), in the order the forms show them.
ITEM_FIELDS: tuple[str, ...] = ("name", "id_number", "phone", "group", "kind", "participants", "certified")

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_rank(
    field: str | None, order: Sequence[str], item_order: Sequence[str] = ITEM_FIELDS
) -> tuple[int, ...]:
    """A sort key putting ``field`` in form order: ``roster[3].id_number`` after ``planned_count``, None last."""
    if field is None:
        return (len(order) + 1,)
    rank: list[int] = []
    for name, index in _SEGMENT.findall(field):
        if index:
            rank.append(int(index))
            continue
        names = order if not rank else item_order
        rank.append(names.index(name) if name in names else len(names))
    return tuple(rank) or (len(order),)


def sort_violations(vs: Iterable[Violation], order: Sequence[str]) -> list[Violation]:
    """The violations in form order; those on the same field keep their order."""
    return sorted(vs, key=lambda v: field_rank(v.field, order))


def _violation(code: ErrorCode, field: str, message: str) -> Violation:
    return Violation(code=code, field=field, message=message)


def _timing(
    app: OpeningApplication, filed_on: date, policy: Policy, calendar: BusinessCalendar
) -> list[Violation]:
    # 004 (三)1: 培训开班3个工作日前 ... 提交培训开班申请
    try:
        last = application_deadline(app.start_date, policy, calendar)
    except CalendarMissing as exc:
        return [_violation(ErrorCode.CALENDAR_MISSING, "start_date", str(exc))]
    if filed_on <= last:
        return []
    text = (
        f"开班申请须在开班前{policy.opening_lead_working_days}个工作日提交：开班日期 {app.start_date.isoformat()}"
        f" 的申请最迟应在 {last.isoformat()} 提交，请推迟开班日期后重新申请"
    )
    return [_violation(ErrorCode.TOO_LATE, "start_date", text)]


def _duration(app: OpeningApplication, policy: Policy) -> list[Violation]:
    if app.end_date < app.start_date:
        text = f"结业日期 {app.end_date.isoformat()} 早于开班日期 {app.start_date.isoformat()}，请更正"
        return [_violation(ErrorCode.INVALID_FIELD, "end_date", text)]
    # 000 五(三): 全脱产不超过3个月，半脱产不超过6个月
    limit = class_end_limit(app.start_date, app.schedule, policy)
    if app.end_date <= limit:
        return []
    if app.schedule is Schedule.FULL_TIME:
        kind, months = "全脱产", policy.full_time_max_months
    else:
        kind, months = "半脱产", policy.part_time_max_months
    text = (
        f"{kind}培训不得超过{months}个月：开班日期 {app.start_date.isoformat()} 的班级最迟应在"
        f" {limit.isoformat()} 结业，请缩短培训周期"
    )
    return [_violation(ErrorCode.DURATION_TOO_LONG, "end_date", text)]


def _hours(app: OpeningApplication, policy: Policy) -> list[Violation]:
    if app.class_hours <= 0:
        return [_violation(ErrorCode.INVALID_FIELD, "class_hours", "总课时必须大于0，请填写总课时数")]
    if app.practical_hours < 0 or app.practical_hours > app.class_hours:
        text = f"实操课时 {app.practical_hours} 应在0到总课时 {app.class_hours} 之间，请更正"
        return [_violation(ErrorCode.INVALID_FIELD, "practical_hours", text)]
    # 004 三(二): 技能实训不少于总课时的65%
    share = exact_ratio(policy.min_practical_share)
    if app.practical_hours * 100 >= share * app.class_hours:
        return []
    text = (
        f"实操课时不得少于总课时的{policy.min_practical_share}%：总课时 {app.class_hours} 时，"
        f"实操课时现为 {app.practical_hours}，请增加实操课时"
    )
    return [_violation(ErrorCode.PRACTICAL_SHARE_LOW, "practical_hours", text)]


def _project(app: OpeningApplication, catalogue: Catalogue) -> list[Violation]:
    # 003 (三): 原則上未公開發布的培訓項目不予補貼
    if catalogue.is_published(app.occupation, app.level):
        return []
    text = f"“{app.occupation}（{app.level.value}）”不是已公开发布的补贴性培训项目，请选择已发布的工种和级别"
    return [_violation(ErrorCode.PROJECT_UNPUBLISHED, "occupation", text)]


def _size(app: OpeningApplication, policy: Policy) -> list[Violation]:
    if app.planned_count <= 0:
        return [_violation(ErrorCode.INVALID_FIELD, "planned_count", "计划培训人数必须大于0，请填写")]
    found: list[Violation] = []
    # 004 三(二): 每班人数不得超过50人（就业重点人群培训每班不得超过30人）
    if app.key_group:
        limit, kind = policy.max_key_group_size, "就业重点人群班"
    else:
        limit, kind = policy.max_class_size, "每班"
    if app.planned_count > limit:
        text = f"{kind}人数不得超过{limit}人，现计划 {app.planned_count} 人，请分班申请"
        found.append(_violation(ErrorCode.CLASS_TOO_LARGE, "planned_count", text))
    if len(app.roster) != app.planned_count:
        text = f"计划培训人数为 {app.planned_count} 人，但花名册有 {len(app.roster)} 人，请使两者一致"
        found.append(_violation(ErrorCode.ROSTER_MISMATCH, "planned_count", text))
    return found


# Characters a name never holds: controls, format characters (zero-width, bidi, tags, soft hyphen),
# line and paragraph separators — they hide a name's real letters (Additions, version 2).
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def name_problems(roster: Sequence[object]) -> list[Violation]:
    """invalid_field on every roster name holding a control, zero-width or bidi formatting character."""
    found = []
    for i, line in enumerate(roster):
        name = line.get("name") if isinstance(line, Mapping) else getattr(line, "name", None)
        if isinstance(name, str) and any(unicodedata.category(ch) in _INVISIBLE for ch in name):
            text = (
                f"第{i + 1}名学员的姓名含有看不见的控制字符、零宽字符或文字方向控制符（常见于从网页或其他系统复制），"
                "请删除后按身份证上的姓名重新输入"
            )
            found.append(_violation(ErrorCode.INVALID_FIELD, f"roster[{i}].name", text))
    return found


def _trainee_checks(
    i: int,
    trainee: Trainee,
    app: OpeningApplication,
    *,
    filed_on: date,
    policy: Policy,
    registry: TrainingRegistry,
    seen: dict[str, int],
) -> list[Violation]:
    """Every problem of roster line ``i``'s ID number (none further once the number itself is invalid)."""
    field = f"roster[{i}].id_number"
    who = f"第{i + 1}名学员 {trainee.name}"
    found: list[Violation] = []
    number = normalize_id_number(trainee.id_number)
    problem = id_number_problem(trainee.id_number, today=filed_on)
    if problem is not None:
        found.append(_violation(ErrorCode.ID_NUMBER_INVALID, field, f"{who} 的{problem}"))
    # 002: 法定劳动年龄内 — age in full years on the start date, sex from the 17th digit; an invalid
    # number whose birth date can still be read (a wrong check digit or area code) is checked too
    readable = problem is None or birth_readable(number, today=filed_on)
    too_old_or_young = (
        ineligibility(number, on=app.start_date, limits=policy.age_limits) if readable else None
    )
    if too_old_or_young is not None:
        text = f"{who} {too_old_or_young}，不在法定劳动年龄内，不能参加补贴性培训，请将其从花名册中移除"
        found.append(_violation(ErrorCode.TRAINEE_INELIGIBLE, field, text))
    if problem is not None:  # nothing else can be read from an invalid number
        return found
    if number in seen:
        text = f"{who} 的身份证号与第{seen[number] + 1}名学员重复，同一人只能在花名册中出现一次，请删除重复行"
        return [*found, _violation(ErrorCode.DUPLICATE_IN_ROSTER, field, text)]
    seen[number] = i
    # 004 (三)1: 学员年度内不得重复培训; 002: 培训补贴每人每年只能享受1次
    year = app.start_date.year
    if registry.trained_in_year(number, year):
        text = f"{who} 在 {year} 年已参加过补贴性培训，每人每年只能参加一次，请将其从花名册中移除"
        found.append(_violation(ErrorCode.TRAINED_THIS_YEAR, field, text))
    # 002: 提供规定范围内的5个职业等级、6次培训补贴 — a lifetime cap (policy, off by default)
    cap = policy.max_subsidies_per_person
    if cap is not None and (had := registry.subsidies_count(number)) >= cap:
        text = f"{who} 已享受过 {had} 次培训补贴，每人最多 {cap} 次，已达上限，请将其从花名册中移除"
        found.append(_violation(ErrorCode.SUBSIDY_CAP_REACHED, field, text))
    # 000: no repeat of the same occupation (policy forbid_repeat_occupation)
    if policy.forbid_repeat_occupation and registry.trained_in_occupation(number, app.occupation):
        text = f"{who} 已参加过“{app.occupation}”的补贴性培训，不能重复参加同一工种培训，请将其从花名册中移除"
        found.append(_violation(ErrorCode.REPEAT_OCCUPATION, field, text))
    return found


def check_opening(
    app: OpeningApplication,
    *,
    filed_on: date,
    policy: Policy,
    calendar: BusinessCalendar,
    registry: TrainingRegistry,
    catalogue: Catalogue,
    plan: PlanBook | None = None,
) -> list[Violation]:
    """Every rule the opening application breaks, in form order (empty when it may be filed)."""
    found = [
        *check_applicant(app, catalogue),
        *_timing(app, filed_on, policy, calendar),
        *_duration(app, policy),
        *_hours(app, policy),
        *_project(app, catalogue),
        *_size(app, policy),
        *(check_quota(app, plan) if plan is not None else []),
    ]
    found += name_problems(app.roster)
    seen: dict[str, int] = {}
    for i, trainee in enumerate(app.roster):
        found += _trainee_checks(
            i, trainee, app, filed_on=filed_on, policy=policy, registry=registry, seen=seen
        )
    return sort_violations(found, OPENING_FIELDS)
