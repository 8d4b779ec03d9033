"""Trainee eligibility by age and sex from the ID number (002: 法定劳动年龄内), boundaries one day apart."""

from __future__ import annotations

from datetime import date

import pytest
from domain_fakes import roster

from domain.eligibility import AgeLimits, age_on, birth_window, ineligibility, is_eligible
from domain.idnumber import IdentityGenerator, check_digit, id_number_problem
from domain.policy import Policy

LIMITS = Policy().age_limits


def person(born: date, *, male: bool) -> str:
    """A valid 济源 number of a man (odd 17th digit) or a woman (even)."""
    first17 = f"410881{born:%Y%m%d}01{1 if male else 2}"
    return first17 + check_digit(first17)


def test_default_limits_are_the_contract_s() -> None:
    """002: at least 16, under 60 (men) / 55 (women) by default."""
    assert LIMITS == AgeLimits(16, 60, 55)


@pytest.mark.parametrize("male", [True, False])
def test_sixteen_is_reached_on_the_birthday_not_the_day_before(male: bool) -> None:
    """002: 法定劳动年龄内 — age in full years on the start date; the birthday itself counts as reached."""
    number = person(date(2010, 3, 9), male=male)
    assert age_on(date(2010, 3, 9), date(2026, 3, 8)) == 15
    assert "未满 16 周岁" in (ineligibility(number, on=date(2026, 3, 8), limits=LIMITS) or "")
    assert ineligibility(number, on=date(2026, 3, 9), limits=LIMITS) is None


def test_men_are_eligible_until_the_day_before_sixty() -> None:
    """002: a man is under 60 on the start date."""
    number = person(date(1966, 3, 9), male=True)
    assert ineligibility(number, on=date(2026, 3, 8), limits=LIMITS) is None  # 59
    problem = ineligibility(number, on=date(2026, 3, 9), limits=LIMITS)
    assert problem is not None
    assert "60 周岁" in problem
    assert "男性" in problem


def test_women_are_eligible_until_the_day_before_fifty_five() -> None:
    """002: a woman is under 55 on the start date (a man of the same age is eligible)."""
    woman, man = person(date(1971, 3, 9), male=False), person(date(1971, 3, 9), male=True)
    assert ineligibility(woman, on=date(2026, 3, 8), limits=LIMITS) is None  # 54
    problem = ineligibility(woman, on=date(2026, 3, 9), limits=LIMITS)
    assert problem is not None
    assert "年龄为 55 周岁" in problem
    assert "女性" in problem
    assert ineligibility(man, on=date(2026, 3, 9), limits=LIMITS) is None


def test_a_29_february_birthday_is_reached_on_1_march_in_a_common_year() -> None:
    """Contract v2: born 1972-02-29, a woman turns 55 on 2027-03-01 (2027 has no 29 February)."""
    woman = person(date(1972, 2, 29), male=False)
    assert age_on(date(1972, 2, 29), date(2027, 2, 28)) == 54
    assert ineligibility(woman, on=date(2027, 2, 28), limits=LIMITS) is None
    assert ineligibility(woman, on=date(2027, 3, 1), limits=LIMITS) is not None
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16  # a leap year: the day itself


def test_policy_overrides_move_the_limits() -> None:
    """The limits are policy parameters (policy_default.yaml)."""
    limits = Policy().with_overrides({"min_trainee_age": 18, "max_trainee_age_female": 60}).age_limits
    born = date(2009, 1, 1)
    assert not is_eligible(born, male=True, on=date(2026, 12, 31), limits=limits)  # 17
    assert is_eligible(date(1968, 1, 1), male=False, on=date(2026, 12, 31), limits=limits)  # 58


def test_birth_window_is_the_common_one_or_the_widest_or_none() -> None:
    """Where both sexes are eligible the window is common; otherwise the men's or nobody's."""
    on = date(2028, 2, 29)
    earliest, latest = birth_window(on, LIMITS) or (None, None)
    assert (earliest, latest) == (date(1973, 3, 1), date(2012, 2, 29))
    assert birth_window(on, AgeLimits(55, 60, 55)) == (date(1968, 3, 1), date(1973, 2, 28))
    assert birth_window(on, AgeLimits(60, 60, 55)) is None


@pytest.mark.parametrize(
    ("start", "overrides"),
    [
        (date(2026, 3, 9), {}),
        (date(2040, 2, 29), {}),
        (date(2004, 1, 1), {}),
        (date(2026, 3, 9), {"min_trainee_age": 18, "max_trainee_age_male": 25, "max_trainee_age_female": 20}),
        (date(2026, 3, 9), {"min_trainee_age": 50, "max_trainee_age_female": 50}),
    ],
)
def test_generated_trainees_are_eligible_for_any_start_date_and_policy(
    start: date, overrides: dict[str, int]
) -> None:
    """Contract v2: roster: {generate: N} yields trainees eligible under the run's policy."""
    limits = Policy().with_overrides(overrides).age_limits
    generator = IdentityGenerator(f"eligible-{start}")
    people = generator.trainees(60, on=start, limits=limits, today=start)
    assert len({p.id_number for p in people}) == 60
    for p in people:
        assert id_number_problem(p.id_number, today=start) is None
        assert ineligibility(p.id_number, on=start, limits=limits) is None
    again = generator.trainees(60, on=date(2026, 6, 1), limits=limits)
    assert not {p.id_number for p in people} & {p.id_number for p in again}


def test_nobody_eligible_falls_back_to_the_plain_walk() -> None:
    """A policy under which nobody is eligible: the generator still answers (the rule then refuses them)."""
    people = IdentityGenerator("none").trainees(3, on=date(2026, 3, 9), limits=AgeLimits(60, 60, 55))
    assert len(people) == 3
    assert len(roster(2)) == 2
