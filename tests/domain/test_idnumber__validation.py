"""GB 11643 居民身份证号: check digit (ISO 7064 MOD 11-2), birth date, area code (GB/T 2260), plain reasons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.idnumber import check_digit, id_number_problem, is_known_area, normalize_id_number

TODAY = date(2026, 11, 2)
# Codes of several editions of GB/T 2260 (county and prefecture level) and the permit prefixes.
REAL_AREAS = (
    "110101",
    "110103",
    "310115",
    "410881",
    "410800",
    "440305",
    "650109",
    "810000",
    "820000",
    "830000",
)


def test_example_04_numbers() -> None:
    """Example 04: 赵一 and 孙三 are valid, 钱二's check digit is wrong."""
    assert id_number_problem("410881199503020118", today=TODAY) is None
    assert id_number_problem("410881199503020134", today=TODAY) is None
    assert id_number_problem("410881199503020127", today=TODAY) == "身份证号校验码不正确，请核对后重新填写"


def test_check_letter_x_in_either_case() -> None:
    """A check digit of 10 is written X; a lowercase x is accepted and normalized."""
    first17 = "11010519491231002"
    assert check_digit(first17) == "X"
    assert id_number_problem(first17 + "X", today=TODAY) is None
    assert id_number_problem(f" {first17}x ", today=TODAY) is None
    assert normalize_id_number(f" {first17}x ") == first17 + "X"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "未填写"),
        ("41088119950302011", "应为18位，现为17位"),
        ("4108811995030201180", "现为19位"),
        ("41088119950302011A", "只能由数字组成"),
        ("4108811995O3020118", "只能由数字组成"),
        ("410881199503O20118", "只能由数字组成"),
        ("990881199503020118", "前六位 990881"),
        ("410881199502300118", "出生日期 19950230 不存在"),
        ("410881202712010118", "晚于今天"),
        ("410881189912310118", "早于1900年"),
    ],
)
def test_problems_say_what_is_wrong(value: str, reason: str) -> None:
    """Each problem is named in plain Chinese with what to do."""
    problem = id_number_problem(value, today=TODAY)
    assert problem is not None
    assert reason in problem


def test_birth_today_is_not_in_the_future() -> None:
    """A baby born today has a valid number."""
    first17 = "410881" + TODAY.strftime("%Y%m%d") + "001"
    assert id_number_problem(first17 + check_digit(first17), today=TODAY) is None


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    """A valid number: a real area code, a real past birth date, any sequence code."""
    area = draw(st.sampled_from(REAL_AREAS))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


@settings(max_examples=200, deadline=None)
@given(valid_ids())
def test_generated_valid_ids_validate(number: str) -> None:
    """Every number built by the rule validates."""
    assert id_number_problem(number, today=TODAY) is None


@settings(max_examples=300, deadline=None)
@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_fails(number: str, position: int, delta: int) -> None:
    """MOD 11-2 catches every single-digit substitution in the first 17 digits."""
    changed = str((int(number[position]) + delta) % 10)
    typo = number[:position] + changed + number[position + 1 :]
    assert id_number_problem(typo, today=TODAY) is not None


@settings(max_examples=100, deadline=None)
@given(valid_ids(), st.sampled_from("0123456789X"))
def test_a_wrong_check_digit_fails(number: str, check: str) -> None:
    """Any check character but the right one fails."""
    if check != number[-1]:
        assert id_number_problem(number[:-1] + check, today=TODAY) is not None


def _with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    "area",
    [
        "410881",  # 济源市 (county level since 1988, held by people born before)
        "110103",  # 崇文区, merged away in 2010: any edition counts, whatever the birth year
        "410800",  # 焦作市, prefecture level
        "810000",  # 香港 residence permit
        "820000",  # 澳门 residence permit
        "830000",  # 台湾 residence permit
    ],
)
def test_area_codes_of_any_edition_and_permits_are_accepted(area: str) -> None:
    """Contract v2 ID numbers: an area code of any GB/T 2260 edition, or 810000/820000/830000."""
    assert is_known_area(area)
    assert id_number_problem(_with_check(f"{area}19950302011"), today=TODAY) is None


@pytest.mark.parametrize("area", ["419999", "990000", "410000", "000000", "840000", "11010a"])
def test_area_codes_that_do_not_exist_are_refused(area: str) -> None:
    """Contract v2: an unknown code (or a province-level one) makes the number invalid, with what to do."""
    assert not is_known_area(area)
    if area.isdigit():
        problem = id_number_problem(_with_check(f"{area}19950302011"), today=TODAY)
        assert problem is not None
        assert f"前六位 {area}" in problem
        assert "请核对" in problem


def test_full_width_and_lower_case_are_normalised_before_checking() -> None:
    """Contract v2: full-width digits, a full-width Ｘ or ｘ, a lower-case x and blanks around are normalised."""
    first17 = "11010519491231002"  # check character X
    full_width = "".join(chr(0xFF10 + int(c)) for c in first17)
    for check in ("X", "x", "Ｘ", "ｘ"):
        value = f"\u3000 {full_width}{check} "
        assert normalize_id_number(value) == first17 + "X"
        assert id_number_problem(value, today=TODAY) is None
    assert normalize_id_number("４１０８８１１９９５０３０２０１１８") == "410881199503020118"
