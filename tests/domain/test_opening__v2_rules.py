"""Contract v2 rules of the opening application: eligibility, ID numbers, applicants, plan quotas, lifetime cap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from domain_fakes import INSTITUTION, FakeCatalogue, FakePlanBook, FakeRegistry, roster

from domain.calendar import BusinessCalendar
from domain.errors import Violation
from domain.idnumber import check_digit
from domain.opening import check_opening
from domain.plan import PlanLine, PlannedClass
from domain.policy import Policy
from domain.records import OpeningApplication, Trainee
from domain.vocab import ApplicantKind, InstitutionStatus, TrainingMode

MakeApp = Callable[..., OpeningApplication]
Check = Callable[..., list[Violation]]
FILED = date(2026, 11, 2)
START = date(2026, 11, 16)
CREDIT = "91419001MA3X5R7LXJ"


@pytest.fixture
def check(
    policy: Policy, calendar: BusinessCalendar, registry: FakeRegistry, catalogue: FakeCatalogue
) -> Check:
    """check_opening with the default ports; keyword arguments replace them."""

    def run(app: OpeningApplication, **ports: Any) -> list[Violation]:
        args: dict[str, Any] = {
            "filed_on": FILED, "policy": policy, "calendar": calendar,
            "registry": registry, "catalogue": catalogue,
        }  # fmt: skip
        args.update(ports)
        return check_opening(app, **args)

    return run


def codes(vs: list[Violation]) -> list[tuple[str, str | None]]:
    """(code, field) pairs."""
    return [(v.code.value, v.field) for v in vs]


def number(born: date, seq: str = "011", area: str = "410881") -> str:
    """A valid number (odd last sequence digit: a man)."""
    first17 = f"{area}{born:%Y%m%d}{seq}"
    return first17 + check_digit(first17)


def with_line(people: tuple[Trainee, ...], i: int, trainee: Trainee) -> tuple[Trainee, ...]:
    """The roster with line ``i`` replaced."""
    return (*people[:i], trainee, *people[i + 1 :])


# -- eligibility (002: 法定劳动年龄内) --------------------------------------------------------------


def test_ineligible_trainee_names_the_row_and_age(make_app: MakeApp, check: Check) -> None:
    """002: a 15-year-old (16 tomorrow) on roster[1] is trainee_ineligible with the row and the age."""
    people = with_line(roster(3), 1, Trainee("小明", number(date(2010, 11, 17)), "13900000001", "学生"))
    found = check(make_app(roster=people))
    assert codes(found) == [("trainee_ineligible", "roster[1].id_number")]
    assert "第2名学员 小明" in found[0].message
    assert "15 周岁" in found[0].message
    on_birthday = with_line(people, 1, replace(people[1], id_number=number(date(2010, 11, 16))))
    assert check(make_app(roster=on_birthday)) == []


def test_ineligible_comes_right_after_an_invalid_number_before_duplicates(
    make_app: MakeApp, check: Check
) -> None:
    """Contract v2 form order: id_number_invalid, then trainee_ineligible, then duplicate_in_roster.

    Every violation of a trainee is listed (the result's ``errors``: all of them); an invalid number
    stops the checks of its line, since nothing else can be read from it.
    """
    young = number(date(2012, 1, 1))
    people = (
        Trainee("甲", young, "13900000001", "学生"),
        Trainee("乙", young, "13900000002", "学生"),
        Trainee("丙", young[:-1] + ("0" if young[-1] != "0" else "1"), "13900000003", "学生"),
    )
    assert codes(check(make_app(roster=people))) == [
        ("trainee_ineligible", "roster[0].id_number"),
        ("trainee_ineligible", "roster[1].id_number"),
        ("duplicate_in_roster", "roster[1].id_number"),
        ("id_number_invalid", "roster[2].id_number"),
        # a wrong check digit still tells the birth date: too young, right after the invalid number
        ("trainee_ineligible", "roster[2].id_number"),
    ]


# -- ID numbers ----------------------------------------------------------------------------------


def test_full_width_duplicates_are_found(make_app: MakeApp, check: Check) -> None:
    """Contract v2: a full-width copy of a number and a lower-case x are the same person."""
    people = roster(3)
    wide = "".join(chr(0xFF10 + int(c)) if c.isdigit() else "Ｘ" for c in people[0].id_number)
    doubled = with_line(people, 2, replace(people[2], id_number=f" {wide} "))
    assert codes(check(make_app(roster=doubled))) == [("duplicate_in_roster", "roster[2].id_number")]
    registry = FakeRegistry(years={(people[1].id_number, 2026)})
    lower = with_line(people, 1, replace(people[1], id_number=people[1].id_number.lower()))
    assert codes(check(make_app(roster=lower), registry=registry)) == [
        ("trained_this_year", "roster[1].id_number")
    ]


def test_an_area_code_that_does_not_exist_is_invalid(make_app: MakeApp, check: Check) -> None:
    """Contract v2: GB/T 2260 area codes only (python-stdnum's table), permits 810000/820000/830000 accepted."""
    people = roster(3)
    bad = with_line(people, 0, replace(people[0], id_number=number(date(1990, 5, 5), area="419999")))
    found = check(make_app(roster=bad))
    assert codes(found) == [("id_number_invalid", "roster[0].id_number")]
    assert "419999" in found[0].message
    for i, area in enumerate(("810000", "820000", "830000")):
        people = with_line(people, i, replace(people[i], id_number=number(date(1990, 5, 5 + i), area=area)))
    assert check(make_app(roster=people)) == []


# -- lifetime cap (002: 6次培训补贴) ---------------------------------------------------------------


def test_cap_is_off_by_default_and_refuses_at_the_limit(
    make_app: MakeApp, check: Check, policy: Policy
) -> None:
    """002: with max_subsidies_per_person 6, a person with 6 subsidised classes is refused, 5 passes."""
    people = roster(3)
    registry = FakeRegistry(subsidies={people[0].id_number: 6, people[1].id_number: 5})
    assert check(make_app(), registry=registry) == []
    capped = policy.with_overrides({"max_subsidies_per_person": 6})
    found = check(make_app(), registry=registry, policy=capped)
    assert codes(found) == [("subsidy_cap_reached", "roster[0].id_number")]
    assert "6 次" in found[0].message


def test_cap_comes_right_after_trained_this_year(make_app: MakeApp, check: Check, policy: Policy) -> None:
    """Contract v2: trained_this_year first, the cap right after it, for a person who is both."""
    people = roster(3)
    registry = FakeRegistry(years={(people[0].id_number, 2026)}, subsidies={people[0].id_number: 9})
    capped = policy.with_overrides({"max_subsidies_per_person": 1, "forbid_repeat_occupation": True})
    registry.occupations.add((people[1].id_number, "钳工"))
    registry.subsidies[people[1].id_number] = 1
    assert codes(check(make_app(), registry=registry, policy=capped)) == [
        ("trained_this_year", "roster[0].id_number"),
        ("subsidy_cap_reached", "roster[0].id_number"),
        ("subsidy_cap_reached", "roster[1].id_number"),
        ("repeat_occupation", "roster[1].id_number"),
    ]


# -- applicants (004 (三)4) -----------------------------------------------------------------------


def test_enterprise_needs_a_valid_credit_code_and_self_training(make_app: MakeApp, check: Check) -> None:
    """004 (三)4 + GB 32100: wrong or missing credit code → invalid_field credit_code; mode 企业自主培训."""
    ent = {"applicant_kind": ApplicantKind.ENTERPRISE, "institution": "济源示例钢铁有限公司"}
    assert check(make_app(**ent, credit_code=CREDIT)) == []
    for code, reason in (
        (None, "须填写"),
        ("91419001MA3X5R7LXK", "校验位"),
        ("9141900", "18位"),
        ("91419001MA3X5R7LIJ", "格式"),
    ):
        found = check(make_app(**ent, credit_code=code))
        assert codes(found) == [("invalid_field", "credit_code")], code
        assert reason in found[0].message
    found = check(make_app(**ent, credit_code=CREDIT, mode=TrainingMode.ENTRUSTED))
    assert codes(found) == [("invalid_field", "mode")]


@pytest.mark.parametrize("status", [InstitutionStatus.SUSPENDED, InstitutionStatus.BLACKLISTED])
def test_blocked_enterprise_is_matched_by_credit_code_alone(
    make_app: MakeApp, check: Check, status: InstitutionStatus
) -> None:
    """003 (十): a listed enterprise is blocked whatever name the application gives; field credit_code."""
    catalogue = FakeCatalogue(enterprises={CREDIT: status})
    app = make_app(applicant_kind=ApplicantKind.ENTERPRISE, institution="改了名字的公司", credit_code=CREDIT)
    assert codes(check(app, catalogue=catalogue)) == [("institution_blocked", "credit_code")]
    active = FakeCatalogue(enterprises={CREDIT: InstitutionStatus.ACTIVE})
    assert check(app, catalogue=active) == []


def test_individual_has_exactly_one_trainee(make_app: MakeApp, check: Check) -> None:
    """004 attachment 2 note 2: 个人申请 — planned_count 1 and one roster line, else invalid_field planned_count."""
    one = make_app(applicant_kind=ApplicantKind.INDIVIDUAL, planned_count=1, roster=roster(1))
    assert check(one) == []
    two = make_app(applicant_kind=ApplicantKind.INDIVIDUAL, planned_count=2)
    assert codes(check(two)) == [("invalid_field", "planned_count")]
    mixed = make_app(applicant_kind=ApplicantKind.INDIVIDUAL, planned_count=1, roster=roster(2))
    assert codes(check(mixed)) == [("invalid_field", "planned_count"), ("roster_mismatch", "planned_count")]
    unknown = replace(one, institution="不存在的学校")
    assert codes(check(unknown)) == [("institution_blocked", "institution")]


def test_applicant_fields_come_first_in_form_order(make_app: MakeApp, check: Check) -> None:
    """applicant_kind first, credit_code right after institution, before contact and dates."""
    app = make_app(
        applicant_kind=ApplicantKind.ENTERPRISE, credit_code="bad", mode=TrainingMode.OTHER,
        start_date=date(2026, 11, 3), end_date=date(2026, 12, 1),
    )  # fmt: skip
    assert [f for _, f in codes(check(app))] == ["credit_code", "start_date", "mode"]


# -- plan quotas (004 attachment 1) ---------------------------------------------------------------


def test_quota_exactly_met_passes_and_one_more_is_refused(make_app: MakeApp, check: Check) -> None:
    """004 attachment 1: 任务分配 — 7 + this class's 3 = quota 10 passes; quota 9 is exceeded by one."""
    others = [(INSTITUTION, 2026, PlannedClass(None, 4)), (INSTITUTION, 2026, PlannedClass("技能提升", 3))]
    book = FakePlanBook([PlanLine(2026, INSTITUTION, 10)], others)
    assert check(make_app(), plan=book) == []
    book.lines = [PlanLine(2026, INSTITUTION, 9)]
    found = check(make_app(), plan=book)
    assert codes(found) == [("quota_exceeded", "planned_count")]
    assert "超出 1 人" in found[0].message


def test_typed_lines_match_their_type_only(make_app: MakeApp, check: Check) -> None:
    """Contract v2: a typed line counts classes of its type; an application without a type matches untyped lines."""
    others = [
        (INSTITUTION, 2026, PlannedClass("技能提升", 5)),
        (INSTITUTION, 2025, PlannedClass("技能提升", 50)),
    ]
    book = FakePlanBook([PlanLine(2026, INSTITUTION, 7, "技能提升")], others)
    assert check(make_app(), plan=book) == []  # untyped application: the typed line does not apply
    found = check(make_app(project_type="技能提升"), plan=book)
    assert codes(found) == [("quota_exceeded", "planned_count")]
    assert "技能提升" in found[0].message
    assert check(make_app(project_type="岗前培训"), plan=book) == []
    book.lines.append(PlanLine(2026, INSTITUTION, 7))
    assert len(check(make_app(project_type="技能提升"), plan=book)) == 2  # each matching line on its own
    assert check(make_app(), plan=FakePlanBook()) == []  # no line, no limit
