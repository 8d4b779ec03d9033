"""The trainee generator behind ``roster: {generate: N}`` pinned exactly (scenarios/README.md: N valid trainees,
unique across the run, identical on every run of that file, eligible under the run's policy; 002 法定劳动年龄内).

A seed's roster is part of a scenario's expected outcome, so the trainees of a seed are pinned, not only
their properties. Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from math import gcd

import pytest

from domain.eligibility import AgeLimits, birth_date, birth_window, is_eligible, is_male
from domain.idnumber import IdentityGenerator, _coprime_stride, birth_readable, check_digit, id_number_problem
from domain.records import Trainee

LIMITS = AgeLimits(16, 60, 55)  # 002 / policy defaults: 16 to under 60 (men) / 55 (women)
ON = date(2026, 3, 9)
TODAY = date(2026, 3, 2)


def test_a_seed_gives_the_same_trainees_in_every_version() -> None:
    assert IdentityGenerator("01_happy_path").trainees(3) == [
        Trainee(name="刘雪海", id_number="410881200103258050", phone="13993811310", group="退役军人"),
        Trainee(name="杨英伟", id_number="41088119910722862X", phone="13963316851", group="高校毕业生"),
        Trainee(name="邱玲军", id_number="410881198111179192", phone="13932822392", group="失业人员"),
    ]


def test_a_seed_gives_the_same_eligible_trainees_in_every_version() -> None:
    assert IdentityGenerator("eligible").trainees(3, on=ON, limits=LIMITS, today=TODAY) == [
        Trainee(name="程晨", id_number="410881198705195667", phone="13950119567", group="残疾人"),
        Trainee(name="韩婷", id_number="410881200012075056", phone="13913799294", group="高校毕业生"),
        Trainee(name="孙悦琳", id_number="410881197906279440", phone="13977479021", group="残疾人"),
    ]


@pytest.mark.parametrize("space", [12, 1000, 6_392_000])
def test_a_stride_is_coprime_with_its_space_and_in_its_upper_two_thirds(space: int) -> None:
    """A coprime stride walks every slot once before repeating: no trainee is ever generated twice."""
    rng = random.Random("strides")  # noqa: S311 - reproducible test data
    strides = [_coprime_stride(rng, space) for _ in range(300)]
    for stride in strides:
        assert gcd(stride, space) == 1
        assert space // 3 <= stride <= space - 1
    if space == 12:  # noqa: PLR2004 - 4..10 moved up to the next coprime: 5, 7 or 11, each drawn
        assert set(strides) == {5, 7, 11}


def test_strides_are_drawn_from_a_third_of_the_space_to_two_below_it() -> None:
    """randrange(4, 11) for a space of 12: the draws of a seed are pinned (a seed's roster is)."""
    rng = random.Random("strides")  # noqa: S311 - reproducible test data
    assert [_coprime_stride(rng, 12) for _ in range(12)] == [11, 11, 5, 5, 11, 7, 11, 11, 5, 5, 7, 7]


def test_given_names_of_one_and_of_two_characters_both_occur() -> None:
    lengths = {len(p.name) for p in IdentityGenerator("names").trainees(200)}
    assert lengths == {2, 3}


def test_start_date_without_limits_is_no_rule() -> None:
    assert IdentityGenerator("s").trainees(5, on=ON) == IdentityGenerator("s").trainees(5)
    assert IdentityGenerator("s").trainees(5, limits=LIMITS) == IdentityGenerator("s").trainees(5)


def test_with_a_rule_the_births_span_the_rules_window_not_1970_to_2004() -> None:
    earliest, latest = birth_window(ON, LIMITS)  # type: ignore[misc]
    people = IdentityGenerator("window").trainees(300, on=ON, limits=LIMITS, today=TODAY)
    births = [birth_date(p.id_number) for p in people]
    assert all(earliest <= b <= latest for b in births)
    assert any(b.year > 2004 for b in births)  # noqa: PLR2004 - beyond the rule-less walk's last year
    assert all(
        is_eligible(b, male=is_male(p.id_number), on=ON, limits=LIMITS)
        for b, p in zip(births, people, strict=True)
    )


def test_the_filing_day_bounds_the_births() -> None:
    """A start date 2050: the age window reaches 2034, but nobody is born after the filing day."""
    today = date(2026, 11, 2)
    people = IdentityGenerator("future").trainees(300, on=date(2050, 1, 1), limits=LIMITS, today=today)
    births = [birth_date(p.id_number) for p in people]
    assert max(births) <= today
    assert all(id_number_problem(p.id_number, today=today) is None for p in people)


def _window_of(days: int) -> tuple[date, date]:
    """A filing day that cuts the eligibility window on ON to its first ``days`` days."""
    earliest, _latest = birth_window(ON, LIMITS)  # type: ignore[misc]
    return earliest, earliest + timedelta(days=days - 1)


def test_a_window_of_one_day_gives_births_on_that_day() -> None:
    earliest, today = _window_of(1)
    people = IdentityGenerator("one").trainees(20, on=ON, limits=LIMITS, today=today)
    assert {birth_date(p.id_number) for p in people} == {earliest}


def test_a_window_of_two_days_uses_both_days_and_no_other_and_never_repeats() -> None:
    """1000 numbers (two days × 500 sequence codes): 600 trainees fill both days, each number once."""
    earliest, today = _window_of(2)
    people = IdentityGenerator("two").trainees(600, on=ON, limits=LIMITS, today=today)
    assert {birth_date(p.id_number) for p in people} == {earliest, today}
    assert len({p.id_number for p in people}) == 600  # noqa: PLR2004


def test_an_exhausted_generator_says_so_in_full() -> None:
    gen = IdentityGenerator("end")
    gen._count = 12784 * 500  # noqa: SLF001 - every slot of 1970-01-01..2004-12-31 × 500..999 taken
    with pytest.raises(RuntimeError) as refused:
        gen.next_trainee()
    assert str(refused.value) == "身份证号生成已用尽：本生成器可生成的号码都已发出"


def test_the_id_number_refusals_word_for_word() -> None:
    """GB 11643: an empty number and an unknown area code (GB/T 2260) are named in full."""
    assert id_number_problem(" ", today=TODAY) == "身份证号未填写，请填写18位居民身份证号"
    assert id_number_problem("999999199003070017", today=TODAY) == (
        "身份证号前六位 999999 不是有效的行政区划代码（GB/T 2260），请核对后重新填写"
    )


def test_born_on_1_january_1900_is_the_earliest_valid_birth() -> None:
    assert id_number_problem("410881190001010509", today=TODAY) is None
    first17 = "41088118991231050"
    assert id_number_problem(first17 + check_digit(first17), today=TODAY) == (
        "身份证号中的出生日期 1899-12-31 早于1900年，请核对后重新填写"
    )


@pytest.mark.parametrize(
    ("number", "readable"),
    [
        ("41088119900307001X", True),  # the check character is not read
        ("41088119900307001\u00e9", True),  # nor is it checked to be a digit
        ("4108811990030700X1", False),  # the 17th character holds the sex: a digit
        ("41088119900307001", False),  # 17 digits
        ("4108811990030700１X", False),  # a full-width digit is not read before normalising
        ("41088119901131001X", False),  # 1990-11-31 does not exist
        ("41088119900231001X", False),  # 1990-02-31 does not exist
        ("41088119000101001X", True),  # 1900-01-01, the earliest
        ("41088118991231001X", False),
        ("41088120261102001X", True),  # born on the filing day
        ("41088120261103001X", False),
    ],
)
def test_a_birth_date_is_readable_from_a_number_of_18_characters_in_1900_to_today(
    number: str, readable: bool
) -> None:
    """An invalid number (wrong check digit or area) is still checked for age when its birth date reads (002)."""
    assert birth_readable(number, today=date(2026, 11, 2)) is readable


def test_two_classes_with_overlapping_windows_never_share_a_number() -> None:
    """The second class's window starts a day later: its walk meets numbers the first class was given."""
    earliest, today = _window_of(2)
    gen = IdentityGenerator("overlap")
    first = gen.trainees(500, on=ON, limits=LIMITS, today=today)
    day = timedelta(days=1)
    second = gen.trainees(500, on=ON + day, limits=LIMITS, today=today + day)
    assert {birth_date(p.id_number) for p in second} == {earliest + day, today + day}
    assert len({p.id_number for p in first + second}) == 1000  # noqa: PLR2004
