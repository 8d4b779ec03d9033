"""Our calendar and ID-number checks against independent libraries: any disagreement fails.

- ``holidays.China`` (python-holidays) against ``domain.calendar.BusinessCalendar``, every day of
  2010–2026. ``holidays`` lists public holidays *and*, in ``weekend_workdays``, the weekend days
  worked in lieu (调休), so the whole working-day answer is compared: the weekday non-working days
  and the weekend working days of each year, as two sets. Known disagreements: none (checked on
  holidays 0.109 and chinesecalendar 1.11.0; a new release that disagrees fails here, on purpose).
- ``stdnum.cn.ric`` (python-stdnum) against ``domain.idnumber``: check characters of generated
  numbers, plus a third, hand-written GB 11643 computation, and the area codes of its ``cn/loc``
  table (every edition of GB/T 2260) as the contract (scenarios/README.md, version 2) reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest
from holidays import HolidayBase, country_holidays
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, ValidationError

from domain.calendar import BusinessCalendar
from domain.idnumber import IdentityGenerator, id_number_problem

YEARS = range(2010, 2027)
TODAY = date(2026, 11, 2)
_SATURDAY = 5


# --- calendar ------------------------------------------------------------------------------------


@cache
def _china() -> HolidayBase:
    """holidays.China, public holidays (its default category) and its 调休 weekend_workdays."""
    return country_holidays("CN", years=YEARS)


def _days(year: int) -> Iterator[date]:
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += timedelta(days=1)


def _exceptions(is_workday: object, year: int) -> tuple[set[date], set[date]]:
    """(weekdays off, weekend days on) of ``year`` by the predicate ``is_workday``."""
    assert callable(is_workday)
    days = list(_days(year))
    off = {d for d in days if d.weekday() < _SATURDAY and not is_workday(d)}
    on = {d for d in days if d.weekday() >= _SATURDAY and is_workday(d)}
    return off, on


def _diff(ours: set[date], theirs: set[date]) -> str:
    only_ours = ", ".join(d.isoformat() for d in sorted(ours - theirs)) or "-"
    only_theirs = ", ".join(d.isoformat() for d in sorted(theirs - ours)) or "-"
    return f"only ours: {only_ours}; only holidays: {only_theirs}"


@pytest.mark.parametrize("year", YEARS)
def test_calendar_agrees_with_holidays_china(year: int) -> None:
    """Weekday holidays and weekend working days (调休) of the year are the same in both."""
    china = _china()
    ours_off, ours_on = _exceptions(BusinessCalendar().is_workday, year)
    theirs_off, theirs_on = _exceptions(china.is_working_day, year)
    assert ours_off == theirs_off, f"{year} weekdays off differ: {_diff(ours_off, theirs_off)}"
    assert ours_on == theirs_on, f"{year} weekend working days differ: {_diff(ours_on, theirs_on)}"
    # the comparison is not vacuous: every year has weekday holidays, and 调休 Saturdays or Sundays
    assert ours_off
    assert ours_on


def test_holidays_china_knows_the_adjusted_working_days() -> None:
    """What makes the comparison above exact: holidays models 调休 as weekend_workdays."""
    china = _china()
    assert date(2026, 10, 10) in china.weekend_workdays  # the Saturday worked for National Day
    assert china.is_working_day(date(2026, 10, 10))
    assert not china.is_working_day(date(2026, 10, 7))


def test_operator_data_for_a_covered_year_amends_it_only_on_its_dates() -> None:
    """Version 2: one extra 2026 holiday leaves every other day of 2026 as the official calendar has it."""
    extra = date(2026, 3, 2)  # a Monday
    amended = BusinessCalendar.from_mapping({"holidays": [extra.isoformat()]})
    china = _china()
    ours_off, ours_on = _exceptions(amended.is_workday, 2026)
    theirs_off, theirs_on = _exceptions(china.is_working_day, 2026)
    assert ours_off == theirs_off | {extra}, _diff(ours_off, theirs_off | {extra})
    assert ours_on == theirs_on, _diff(ours_on, theirs_on)


# --- ID numbers ----------------------------------------------------------------------------------

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643 weights W_i = 2^(i-1) mod 11


def _gb11643_check(first17: str) -> str:
    """The check character computed from the standard's weights, independently of stdnum and of us."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _walk(entries: list[Any], prefix: str) -> Iterator[str]:
    """The 6-digit codes of stdnum's prefix tree (province part, then county part) that carry a name."""
    for _length, low, high, props, children in entries:
        for value in range(int(low), int(high) + 1):
            code = prefix + str(value).zfill(len(low))
            if len(code) == 6 and props.get("county"):  # noqa: PLR2004
                yield code
            yield from _walk(children, code)


@cache
def _stdnum_areas() -> frozenset[str]:
    """Every 6-digit code stdnum's cn/loc table lists with a name, any edition."""
    return frozenset(_walk(numdb.get("cn/loc").prefixes, ""))


PERMITS = frozenset({"810000", "820000", "830000"})  # 港澳台居民居住证


def _contract_area(code: str) -> bool:
    """Contract v2: listed at county or prefecture level (not a province's XX0000), or a permit prefix."""
    return code in PERMITS or (code in _stdnum_areas() and not code.endswith("0000"))


def _number(area: str, born: date, seq: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + _gb11643_check(first17)


def test_stdnum_area_table_is_what_we_think() -> None:
    areas = _stdnum_areas()
    assert len(areas) > 6000  # noqa: PLR2004 - every edition since 1980
    assert {"410881", "110105", "110103"} <= areas  # 济源; 朝阳区; 崇文区 (abolished 2010)
    assert "110199" not in areas


def test_every_listed_area_code_is_accepted() -> None:
    """Each county- or prefecture-level code of any edition, whatever the birth year (contract v2)."""
    born = date(1960, 6, 15)  # before many of these counties existed: the birth year is not compared
    refused = sorted(
        code
        for code in _stdnum_areas() | PERMITS
        if _contract_area(code) and id_number_problem(_number(code, born, 123), today=TODAY) is not None
    )
    assert refused == [], f"{len(refused)} listed area codes refused, e.g. {refused[:10]}"


@pytest.mark.parametrize("area", ["110000", "410000", "710000", "110199", "410899", "990881", "830001"])
def test_unlisted_and_province_level_codes_are_refused(area: str) -> None:
    problem = id_number_problem(_number(area, date(1990, 1, 1), 123), today=TODAY)
    assert problem is not None


@settings(max_examples=500)
@given(st.integers(100000, 999999).map(str))
@example("810000")
@example("830000")
@example("410881")
@example("419001")
def test_an_area_code_is_accepted_exactly_when_listed(area: str) -> None:
    number = _number(area, date(1990, 5, 17), 456)
    assert (id_number_problem(number, today=TODAY) is None) == _contract_area(area)


_BORN = st.dates(date(1900, 1, 1), TODAY)
_CHECKS = st.sampled_from("0123456789Xx")


@settings(max_examples=500)
@given(
    st.sampled_from(sorted(_stdnum_areas() - {c for c in _stdnum_areas() if c.endswith("0000")})),
    _BORN,
    st.integers(0, 999),
    _CHECKS,
)
def test_check_character_agrees_with_stdnum(area: str, born: date, seq: int, check: str) -> None:
    """Ours accepts a check character exactly when stdnum and the standard's weights do."""
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    number = first17 + check
    expected = _gb11643_check(first17)
    assert ric.calc_check_digit(first17 + "0") == expected
    try:
        ric.validate(number)
        stdnum_checksum_ok = True
    except InvalidChecksum:
        stdnum_checksum_ok = False
    except ValidationError:  # a later check of stdnum's (birth place in that year): the checksum passed
        stdnum_checksum_ok = True
    assert stdnum_checksum_ok == (check.upper() == expected)
    assert (id_number_problem(number, today=TODAY) is None) == (check.upper() == expected)


def test_generated_trainees_pass_stdnum_checksum() -> None:
    """The IdentityGenerator's numbers (roster: {generate: N}) have correct check characters.

    stdnum's full validate() would refuse many: it also requires the county to exist in the birth
    year (410881 济源 is listed for 1989–1997), which we do not apply (contract v2: any edition).
    """
    for trainee in IdentityGenerator("crosscheck").trainees(300):
        number = trainee.id_number
        assert ric.calc_check_digit(number) == number[-1] == _gb11643_check(number[:17])
        assert ric.get_birth_date(number) <= TODAY
        assert id_number_problem(number, today=TODAY) is None
