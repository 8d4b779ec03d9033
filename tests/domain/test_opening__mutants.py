"""Opening-application rules pinned exactly (004 (三)1, 004 三(二), 000 五(三)): boundaries and messages word for word.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from domain_fakes import FakeCatalogue, FakeRegistry

from domain.calendar import BusinessCalendar
from domain.errors import ErrorCode, Violation
from domain.opening import OPENING_FIELDS, check_opening, field_rank, name_problems
from domain.policy import Policy
from domain.records import OpeningApplication, Trainee
from domain.vocab import Schedule

MakeApp = Callable[..., OpeningApplication]
FILED = date(2026, 11, 2)
START = date(2026, 11, 16)


@pytest.fixture
def check(
    policy: Policy, calendar: BusinessCalendar, registry: FakeRegistry, catalogue: FakeCatalogue
) -> Callable[..., list[Violation]]:
    """check_opening with the default ports; keyword arguments replace them."""

    def run(app: OpeningApplication, **ports: Any) -> list[Violation]:
        args: dict[str, Any] = {
            "filed_on": FILED,
            "policy": policy,
            "calendar": calendar,
            "registry": registry,
            "catalogue": catalogue,
        }
        args.update(ports)
        return check_opening(app, **args)

    return run


Check = Callable[..., list[Violation]]


def test_a_class_ending_on_its_start_day_is_accepted(make_app: MakeApp, check: Check) -> None:
    """A one-day class (结业日期 = 开班日期) is a class; only an end before the start is refused."""
    assert check(make_app(end_date=START)) == []


def test_an_end_before_the_start_is_refused_with_both_dates(make_app: MakeApp, check: Check) -> None:
    """结业日期 before 开班日期 names both dates."""
    assert check(make_app(end_date=date(2026, 11, 15))) == [
        Violation(ErrorCode.INVALID_FIELD, "end_date", "结业日期 2026-11-15 早于开班日期 2026-11-16，请更正")
    ]


def test_000_5_3_full_time_message_names_3_months(make_app: MakeApp, check: Check) -> None:
    """000 五(三) 全脱产不超过3个月: the full-time limit (3 months, 2027-02-16) is named, never the part-time one."""
    assert check(make_app(end_date=date(2027, 2, 16))) == []
    assert check(make_app(end_date=date(2027, 2, 17))) == [
        Violation(
            ErrorCode.DURATION_TOO_LONG,
            "end_date",
            "全脱产培训不得超过3个月：开班日期 2026-11-16 的班级最迟应在 2027-02-16 结业，请缩短培训周期",
        )
    ]


def test_000_5_3_part_time_message_names_6_months(make_app: MakeApp, check: Check) -> None:
    """000 五(三) 半脱产不超过6个月: the part-time limit (6 months, 2027-05-16) is named."""
    part_time = make_app(schedule=Schedule.PART_TIME, end_date=date(2027, 5, 17))
    assert check(replace(part_time, end_date=date(2027, 5, 16))) == []
    assert check(part_time) == [
        Violation(
            ErrorCode.DURATION_TOO_LONG,
            "end_date",
            "半脱产培训不得超过6个月：开班日期 2026-11-16 的班级最迟应在 2027-05-16 结业，请缩短培训周期",
        )
    ]


def test_a_one_hour_class_is_accepted(make_app: MakeApp, check: Check) -> None:
    """总课时 must be above 0: one hour, all of it practical, passes."""
    assert check(make_app(class_hours=1, practical_hours=1)) == []


def test_zero_class_hours_refused_with_the_message(make_app: MakeApp, check: Check) -> None:
    """总课时 0 is refused on class_hours."""
    assert check(make_app(class_hours=0, practical_hours=0)) == [
        Violation(ErrorCode.INVALID_FIELD, "class_hours", "总课时必须大于0，请填写总课时数")
    ]


@pytest.mark.parametrize("practical", [-1, 121])
def test_practical_hours_outside_the_class_hours(make_app: MakeApp, check: Check, practical: int) -> None:
    """实操课时 between 0 and 总课时."""
    assert check(make_app(practical_hours=practical)) == [
        Violation(
            ErrorCode.INVALID_FIELD, "practical_hours", f"实操课时 {practical} 应在0到总课时 120 之间，请更正"
        )
    ]


def test_004_3_2_practical_share_message(make_app: MakeApp, check: Check) -> None:
    """004 三(二) 技能实训不少于总课时的65%: 78 of 120 is exactly 65 %, 77 is below and named."""
    assert check(make_app(practical_hours=78)) == []
    assert check(make_app(practical_hours=77)) == [
        Violation(
            ErrorCode.PRACTICAL_SHARE_LOW,
            "practical_hours",
            "实操课时不得少于总课时的65%：总课时 120 时，实操课时现为 77，请增加实操课时",
        )
    ]


def test_a_one_person_class_is_accepted(make_app: MakeApp, check: Check) -> None:
    """计划培训人数 must be above 0: one trainee on the roster passes."""
    assert check(make_app(planned_count=1)) == []


def test_zero_planned_count_refused_with_the_message(make_app: MakeApp, check: Check) -> None:
    """计划培训人数 0 is refused on planned_count (and the roster check is not reached)."""
    assert check(make_app(planned_count=0, roster=())) == [
        Violation(ErrorCode.INVALID_FIELD, "planned_count", "计划培训人数必须大于0，请填写")
    ]


def test_004_3_2_class_size_messages_name_the_kind(make_app: MakeApp, check: Check) -> None:
    """004 三(二) 每班人数不得超过50人（就业重点人群培训每班不得超过30人）, and the roster must match."""
    assert check(make_app(planned_count=51, roster=())) == [
        Violation(
            ErrorCode.CLASS_TOO_LARGE, "planned_count", "每班人数不得超过50人，现计划 51 人，请分班申请"
        ),
        Violation(
            ErrorCode.ROSTER_MISMATCH, "planned_count", "计划培训人数为 51 人，但花名册有 0 人，请使两者一致"
        ),
    ]
    assert check(make_app(planned_count=31, roster=(), key_group=True))[0] == Violation(
        ErrorCode.CLASS_TOO_LARGE, "planned_count", "就业重点人群班人数不得超过30人，现计划 31 人，请分班申请"
    )


def test_000_repeat_occupation_message(make_app: MakeApp, check: Check, policy: Policy) -> None:
    """000: no repeat of the same occupation (policy forbid_repeat_occupation) names trainee and occupation."""
    app = make_app()
    first = app.roster[0]
    registry = FakeRegistry(occupations={(first.id_number, "钳工")})
    strict = policy.model_copy(update={"forbid_repeat_occupation": True})
    assert check(app, registry=registry, policy=strict) == [
        Violation(
            ErrorCode.REPEAT_OCCUPATION,
            "roster[0].id_number",
            f"第1名学员 {first.name} 已参加过“钳工”的补贴性培训，不能重复参加同一工种培训，请将其从花名册中移除",
        )
    ]


def test_field_rank_puts_none_after_every_field() -> None:
    """A violation without a field sorts after all fields, also unknown ones."""
    assert field_rank(None, OPENING_FIELDS) > field_rank("unknown", OPENING_FIELDS)
    assert field_rank(None, OPENING_FIELDS) > field_rank("teaching_plan", OPENING_FIELDS)


# -- roster names and unreadable ID numbers (mutmut, issue 7) -------------------------------------------------

_INVISIBLE_TEXT = "的姓名含有看不见的控制字符、零宽字符或文字方向控制符（常见于从网页或其他系统复制），请删除后按身份证上的姓名重新输入"


def test_a_name_with_an_invisible_character_is_named_on_a_mapping_or_a_trainee() -> None:
    lines: list[object] = [
        {"name": "张三"},
        Trainee("李\u200b四", "410881199503020118", "13900000011", "企业职工"),
        {"name": "王\u202e五"},
        "not a line",
        {"id_number": "410881199503020118"},
    ]
    assert [(v.code, v.field, v.message) for v in name_problems(lines)] == [
        (ErrorCode.INVALID_FIELD, "roster[1].name", f"第2名学员{_INVISIBLE_TEXT}"),
        (ErrorCode.INVALID_FIELD, "roster[2].name", f"第3名学员{_INVISIBLE_TEXT}"),
    ]


def test_an_id_number_whose_birth_date_cannot_be_read_is_only_invalid(
    make_app: MakeApp, check: Check
) -> None:
    """002 法定劳动年龄内 is checked on a readable birth date only: a 5-digit number is refused as invalid, once."""
    people = (
        Trainee("赵一", "410881199503020118", "13900000011", "企业职工"),
        Trainee("钱二", "12345", "13900000012", "企业职工"),
        Trainee("孙三", "410881199503020134", "13900000013", "企业职工"),
    )
    found = check(make_app(roster=people))
    assert [(v.code, v.field, v.message) for v in found] == [
        (
            ErrorCode.ID_NUMBER_INVALID,
            "roster[1].id_number",
            "第2名学员 钱二 的身份证号应为18位，现为5位，请核对后重新填写",
        )
    ]
