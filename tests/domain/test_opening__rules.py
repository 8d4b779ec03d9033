"""The opening application's rules, one boundary at a time, each citing its clause."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from domain_fakes import FakeCatalogue, FakeRegistry, roster

from domain.calendar import BusinessCalendar
from domain.errors import ErrorCode, Violation
from domain.opening import check_opening
from domain.policy import Policy
from domain.records import OpeningApplication, Trainee
from domain.vocab import InstitutionStatus, Level, Schedule

MakeApp = Callable[..., OpeningApplication]
FILED = date(2026, 11, 2)


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


def codes(vs: list[Violation]) -> list[tuple[str, str | None]]:
    """(code, field) pairs."""
    return [(v.code.value, v.field) for v in vs]


def test_valid_application_passes(make_app: MakeApp, check: Check) -> None:
    """Example 04's last step: nothing to refuse."""
    assert check(make_app()) == []


def test_example_04_bad_check_digit_names_the_trainee(make_app: MakeApp, check: Check) -> None:
    """Example 04 step 0: 钱二's number fails the check digit, on roster[1].id_number."""
    people = (
        Trainee("赵一", "410881199503020118", "13900000011", "企业职工"),
        Trainee("钱二", "410881199503020127", "13900000012", "企业职工"),
        Trainee("孙三", "410881199503020134", "13900000013", "企业职工"),
    )
    found = check(make_app(roster=people))
    assert codes(found) == [("id_number_invalid", "roster[1].id_number")]
    assert found[0].message == "第2名学员 钱二 的身份证号校验码不正确，请核对后重新填写"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (None, "不在培训机构目录"),
        (InstitutionStatus.SUSPENDED, "暂停"),
        (InstitutionStatus.BLACKLISTED, "黑名单"),
    ],
)
def test_institution_blocked(
    status: InstitutionStatus | None, words: str, make_app: MakeApp, check: Check, catalogue: FakeCatalogue
) -> None:
    """003 (十): catalogue and black list; 004 三(三): suspended after low satisfaction."""
    catalogue.institutions = {} if status is None else {"济源技师学院": status}
    found = check(make_app())
    assert codes(found) == [("institution_blocked", "institution")]
    assert words in found[0].message


def test_unpublished_project(make_app: MakeApp, check: Check) -> None:
    """003 (三): 未公開發布的培訓項目不予補貼."""
    found = check(make_app(occupation="茶艺师", level=Level.JUNIOR))
    assert codes(found) == [("project_unpublished", "occupation")]
    assert "茶艺师（初级工）" in found[0].message


@pytest.mark.parametrize(("key_group", "ok", "too_many"), [(False, 50, 51), (True, 30, 31)])
def test_class_size(key_group: bool, ok: int, too_many: int, make_app: MakeApp, check: Check) -> None:
    """004 三(二): 每班人数不得超过50人（就业重点人群培训每班不得超过30人）."""
    assert check(make_app(key_group=key_group, planned_count=ok)) == []
    found = check(make_app(key_group=key_group, planned_count=too_many))
    assert codes(found) == [("class_too_large", "planned_count")]
    assert str(ok) in found[0].message


def test_roster_mismatch(make_app: MakeApp, check: Check) -> None:
    """The planned count must equal the roster's length."""
    found = check(make_app(planned_count=4, roster=roster(3)))
    assert codes(found) == [("roster_mismatch", "planned_count")]


def test_too_large_and_mismatch_both_reported(make_app: MakeApp, check: Check) -> None:
    """Every violation is returned, in the order of the checks on one field."""
    found = check(make_app(planned_count=51, roster=roster(3)))
    assert codes(found) == [("class_too_large", "planned_count"), ("roster_mismatch", "planned_count")]


@pytest.mark.parametrize(("practical", "ok"), [(78, True), (77, False), (120, True), (0, False)])
def test_practical_share_65_percent(practical: int, ok: bool, make_app: MakeApp, check: Check) -> None:
    """004 三(二): 技能实训不少于总课时的65% — 78 of 120 is exactly 65 % and passes, 77 fails."""
    found = check(make_app(practical_hours=practical))
    assert codes(found) == ([] if ok else [("practical_share_low", "practical_hours")])


def test_practical_share_649_permille_fails(make_app: MakeApp, check: Check) -> None:
    """004 三(二): 64.9 % (649 of 1000 hours) is below 65 %; 650 passes."""
    assert check(make_app(class_hours=1000, practical_hours=650)) == []
    found = check(make_app(class_hours=1000, practical_hours=649))
    assert codes(found) == [("practical_share_low", "practical_hours")]


def test_fractional_share_policy_is_exact(make_app: MakeApp, check: Check, policy: Policy) -> None:
    """A bureau's 64.9 % is 649/1000 exactly: 649 of 1000 passes, 648 fails."""
    bureau = policy.with_overrides({"min_practical_share": 64.9})
    assert check(make_app(class_hours=1000, practical_hours=649), policy=bureau) == []
    assert codes(check(make_app(class_hours=1000, practical_hours=648), policy=bureau)) == [
        ("practical_share_low", "practical_hours")
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"practical_hours": 121}, "practical_hours"),
        ({"practical_hours": -1}, "practical_hours"),
        ({"class_hours": 0, "practical_hours": 0}, "class_hours"),
        ({"planned_count": 0, "roster": ()}, "planned_count"),
        ({"end_date": date(2026, 11, 15)}, "end_date"),
    ],
)
def test_impossible_values_are_invalid_fields(
    changes: dict[str, Any], field: str, make_app: MakeApp, check: Check
) -> None:
    """Hours, counts and dates that cannot be are invalid_field."""
    assert codes(check(make_app(**changes))) == [("invalid_field", field)]


@pytest.mark.parametrize(
    ("schedule", "dates"),
    [
        (Schedule.FULL_TIME, (date(2026, 3, 9), date(2026, 6, 9), date(2026, 6, 10))),
        (Schedule.PART_TIME, (date(2026, 3, 9), date(2026, 9, 9), date(2026, 9, 10))),
        (Schedule.FULL_TIME, (date(2025, 11, 30), date(2026, 2, 28), date(2026, 3, 1))),
        (Schedule.FULL_TIME, (date(2023, 11, 30), date(2024, 2, 29), date(2024, 3, 1))),
        (Schedule.PART_TIME, (date(2026, 8, 31), date(2027, 2, 28), date(2027, 3, 1))),
    ],
)
def test_duration_in_calendar_months(
    schedule: Schedule, dates: tuple[date, date, date], make_app: MakeApp, check: Check
) -> None:
    """000 五(三): 全脱产不超过3个月，半脱产不超过6个月 — calendar months, day clamped to the month's end."""
    start, ok_end, late_end = dates
    filed = date(2004, 1, 1)  # long before any start: only the duration is in question
    born_1990 = roster(3, on=date(2020, 1, 1), filed=date(1991, 1, 1))  # eligible 2020..2026 as well
    app = make_app(schedule=schedule, start_date=start, end_date=ok_end, roster=born_1990)
    assert check(app, filed_on=filed) == []
    found = check(replace(app, end_date=late_end), filed_on=filed)
    assert codes(found) == [("duration_too_long", "end_date")]
    assert ok_end.isoformat() in found[0].message


def test_three_working_days_across_a_weekend(make_app: MakeApp, check: Check) -> None:
    """004 (三)1: 开班3个工作日前 — a Monday 11-16 class may be filed until Wednesday 11-11."""
    app = make_app()
    assert check(app, filed_on=date(2026, 11, 11)) == []
    found = check(app, filed_on=date(2026, 11, 12))
    assert codes(found) == [("too_late", "start_date")]
    assert "2026-11-11" in found[0].message


def test_example_04_start_two_days_ahead_is_too_late(make_app: MakeApp, check: Check) -> None:
    """Example 04 step 2: start 11-04 filed 11-02; the last day was Friday 10-30."""
    found = check(make_app(start_date=date(2026, 11, 4)))
    assert codes(found) == [("too_late", "start_date")]
    assert "2026-10-30" in found[0].message


def test_three_working_days_across_national_day(make_app: MakeApp, check: Check) -> None:
    """004 (三)1 over 2026's National Day week: a class on Friday 10-09 must be filed by Tuesday 09-29."""
    app = make_app(start_date=date(2026, 10, 9), end_date=date(2026, 11, 20))
    assert codes(check(app, filed_on=date(2026, 9, 29))) == []
    found = check(app, filed_on=date(2026, 9, 30))
    assert codes(found) == [("too_late", "start_date")]
    assert "2026-09-29" in found[0].message


def test_adjusted_saturday_counts_as_a_working_day(make_app: MakeApp, check: Check) -> None:
    """Saturday 2026-10-10 is worked (调休): a Tuesday 10-13 class may be filed on Friday 10-09, not on 10-10."""
    app = make_app(start_date=date(2026, 10, 13), end_date=date(2026, 11, 20))
    assert codes(check(app, filed_on=date(2026, 10, 9))) == []
    assert codes(check(app, filed_on=date(2026, 10, 10))) == [("too_late", "start_date")]
    monday = make_app(start_date=date(2026, 10, 12), end_date=date(2026, 11, 20))
    assert codes(check(monday, filed_on=date(2026, 10, 8))) == []
    assert codes(check(monday, filed_on=date(2026, 10, 9))) == [("too_late", "start_date")]


def test_2027_start_gives_calendar_missing_then_works_with_operator_data(
    make_app: MakeApp, check: Check, calendar: BusinessCalendar
) -> None:
    """No official 2027 data: calendar_missing on start_date; with operator data the rule applies."""
    app = make_app(start_date=date(2027, 1, 11), end_date=date(2027, 2, 26))
    found = check(app, filed_on=date(2026, 12, 28))
    assert codes(found) == [("calendar_missing", "start_date")]
    assert "2027" in found[0].message
    extended = calendar.with_extra([date(2027, 1, 1)], [])
    assert check(app, filed_on=date(2027, 1, 6), calendar=extended) == []
    assert codes(check(app, filed_on=date(2027, 1, 7), calendar=extended)) == [("too_late", "start_date")]


def test_duplicate_in_roster_is_reported_on_the_later_line(make_app: MakeApp, check: Check) -> None:
    """The same person twice (x and X alike) is refused on the second line."""
    people = roster(3)
    twin = replace(people[0], name="赵一一", id_number=people[0].id_number.lower())
    found = check(make_app(roster=(*people, twin), planned_count=4))
    assert codes(found) == [("duplicate_in_roster", "roster[3].id_number")]
    assert "第1名" in found[0].message


def test_trained_this_year(make_app: MakeApp, check: Check, registry: FakeRegistry) -> None:
    """004 (三)1: 学员年度内不得重复培训; 002: 每人每年只能享受1次 — the year of the start date counts."""
    app = make_app()
    registry.years.add((app.roster[2].id_number, 2026))
    found = check(app)
    assert codes(found) == [("trained_this_year", "roster[2].id_number")]
    assert app.roster[2].name in found[0].message
    registry.years = {(app.roster[2].id_number, 2025)}
    assert check(app) == []


def test_repeat_occupation_only_when_forbidden(
    make_app: MakeApp, check: Check, registry: FakeRegistry, policy: Policy
) -> None:
    """000: no repeat of the same occupation, when the bureau turns it on (off by default)."""
    app = make_app()
    registry.occupations.add((app.roster[0].id_number, "钳工"))
    assert check(app) == []
    strict = policy.with_overrides({"forbid_repeat_occupation": True})
    assert codes(check(app, policy=strict)) == [("repeat_occupation", "roster[0].id_number")]


def test_all_violations_in_form_order(
    make_app: MakeApp, check: Check, catalogue: FakeCatalogue, registry: FakeRegistry
) -> None:
    """Everything wrong is reported, sorted as the form reads: institution first, roster lines last, by index."""
    catalogue.institutions = {}
    people = roster(12)
    registry.years.add((people[2].id_number, 2026))
    bad = replace(people[10], id_number="410881199503020127")
    app = make_app(
        start_date=date(2026, 11, 4),
        practical_hours=10,
        occupation="茶艺师",
        planned_count=11,
        roster=(*people[:10], bad, people[11]),
        end_date=date(2027, 3, 1),
    )
    assert codes(check(app)) == [
        ("institution_blocked", "institution"),
        ("too_late", "start_date"),
        ("duration_too_long", "end_date"),
        ("practical_share_low", "practical_hours"),
        ("project_unpublished", "occupation"),
        ("roster_mismatch", "planned_count"),
        ("trained_this_year", "roster[2].id_number"),
        ("id_number_invalid", "roster[10].id_number"),
    ]
    assert all(v.code in ErrorCode for v in check(app))
