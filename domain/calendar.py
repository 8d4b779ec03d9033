"""The official Chinese working-day calendar (Asia/Shanghai), amended or extended by operator data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import yaml

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CalendarMissing(Exception):
    """A date falls in a year for which there is no official working-day data: never guess."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"缺少 {year} 年的官方工作日历数据：请在运营日历文件中加入 {year} 年的节假日(holidays)"
            f"和调休工作日(workdays)，或升级 chinesecalendar。"
        )


@dataclass(frozen=True)
class YearCalendar:
    """Operator data for one year: weekends off and weekdays on, except ``holidays`` (off) and ``workdays`` (on)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` (in this year) is a working day."""
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < _SATURDAY


@cache
def _package_year(year: int) -> YearCalendar | None:
    """The chinese_calendar package's data for ``year`` (read once per year), None when it lacks the year."""
    first = date(year, 1, 1)
    try:
        chinese_calendar.is_workday(first)
    except NotImplementedError:
        return None
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    works = {d for d in days if chinese_calendar.is_workday(d)}
    return YearCalendar(
        year,
        holidays=frozenset(d for d in days if d.weekday() < _SATURDAY and d not in works),
        workdays=frozenset(d for d in works if d.weekday() >= _SATURDAY),
    )


class BusinessCalendar:
    """Answers working-day questions; operator data for a year takes precedence over the package."""

    def __init__(self, operator_years: Mapping[int, YearCalendar] | None = None) -> None:
        self._operator: dict[int, YearCalendar] = dict(operator_years or {})
        for year, cal in self._operator.items():
            if cal.year != year:
                raise ValueError(f"运营日历数据的年份不一致：键为 {year}，数据为 {cal.year} 年")

    @property
    def operator_years(self) -> Mapping[int, YearCalendar]:
        """The operator-covered years."""
        return dict(self._operator)

    def covers(self, year: int) -> bool:
        """Whether working-day data exists for ``year``."""
        return year in self._operator or _package_year(year) is not None

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day; raises CalendarMissing for an uncovered year."""
        year = self._operator.get(d.year) or _package_year(d.year)
        if year is None:
            raise CalendarMissing(d.year)
        return year.is_workday(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` itself not counted); n == 0 gives ``d``."""
        return self._step(d, n, _ONE_DAY)

    def sub_working_days(self, d: date, n: int) -> date:
        """The n-th working day before ``d`` (``d`` itself not counted); n == 0 gives ``d``."""
        return self._step(d, n, -_ONE_DAY)

    def _step(self, d: date, n: int, step: timedelta) -> date:
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        while n > 0:
            d += step
            if self.is_workday(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (the count in (b, a]) when b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += _ONE_DAY
            count += self.is_workday(d)
        return count

    def with_extra(self, holidays: Iterable[date], workdays: Iterable[date]) -> BusinessCalendar:
        """A new calendar whose every year touched by the given dates is operator-covered by them.

        A year the package covers keeps the package's answer for every date not listed; a year it
        lacks starts from weekends off, weekdays on. Merged with operator data already present for
        that year; a date given now wins over the opposite list of the earlier data.
        """
        off = _checked_dates(holidays, "holidays")
        on = _checked_dates(workdays, "workdays")
        both = off & on
        if both:
            first = min(both).isoformat()
            raise ValueError(f"日期 {first} 同时列在节假日(holidays)和调休工作日(workdays)中，请只保留一处")
        years = dict(self._operator)
        for year in sorted({d.year for d in off | on}):
            # Contract v2: for a year the package covers, listed dates amend its answer (National Day
            # stays off); for a year it lacks, weekends off and weekdays on, except the listed dates.
            old = years.get(year) or _package_year(year) or YearCalendar(year, frozenset(), frozenset())
            new_off = frozenset(d for d in off if d.year == year)
            new_on = frozenset(d for d in on if d.year == year)
            years[year] = YearCalendar(
                year,
                holidays=(old.holidays - new_on) | new_off,
                workdays=(old.workdays - new_off) | new_on,
            )
        return BusinessCalendar(years)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """A calendar from ``{"holidays": [...], "workdays": [...]}`` (dates or ISO strings)."""
        unknown = sorted(set(data) - {"holidays", "workdays"})
        if unknown:
            raise ValueError(f"运营日历中有无法识别的键 {unknown[0]!r}：只允许 holidays 和 workdays")
        holidays = _parse_dates(data.get("holidays"), "holidays")
        workdays = _parse_dates(data.get("workdays"), "workdays")
        return cls().with_extra(holidays, workdays)

    @classmethod
    def from_yaml(cls, text: str) -> BusinessCalendar:
        """A calendar from the YAML text of an operator calendar file."""
        try:
            data = yaml.load(text, Loader=_DatesAsText)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise ValueError(f"运营日历文件不是有效的 YAML：{exc}") from exc
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError("运营日历文件应为包含 holidays 和 workdays 两个列表的映射")
        return cls.from_mapping(data)


class _DatesAsText(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so that a bad one is named by our parser, not PyYAML's."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _parse_dates(value: object, key: str) -> list[date]:
    """The dates of one list of an operator calendar mapping."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"运营日历的 {key} 应为日期列表，例如 [2027-01-01]")
    result: list[date] = []
    for i, entry in enumerate(value):
        if isinstance(entry, date) and not isinstance(entry, datetime):
            result.append(entry)
            continue
        if isinstance(entry, str):
            try:
                result.append(date.fromisoformat(entry.strip()))
                continue
            except ValueError:
                pass
        raise ValueError(
            f"运营日历 {key} 的第 {i + 1} 项 {entry!r} 不是有效日期，请写成 YYYY-MM-DD，例如 2027-01-01"
        )
    return result


def _checked_dates(values: Iterable[date], key: str) -> frozenset[date]:
    """The given dates as a set, refusing datetimes and other types."""
    result = frozenset(values)
    for d in result:
        if not isinstance(d, date) or isinstance(d, datetime):
            raise ValueError(f"运营日历 {key} 中的 {d!r} 不是日期，请写成 YYYY-MM-DD")
    return result


def end_of_day(d: date) -> datetime:
    """23:59:59 of ``d`` in Asia/Shanghai (timezone-aware)."""
    return datetime.combine(d, time(23, 59, 59), tzinfo=SHANGHAI)


def local_date(dt: datetime) -> date:
    """The Asia/Shanghai date of an aware datetime."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"时间 {dt.isoformat()} 缺少时区信息，请带上时区（如 +08:00）")
    return dt.astimezone(SHANGHAI).date()
