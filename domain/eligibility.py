"""Trainee eligibility by age and sex, read from the ID number (002: 法定劳动年龄内)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class AgeLimits:
    """The legal working age of a trainee: ``min_age ≤ age < max_male`` (men) or ``< max_female`` (women)."""

    min_age: int
    max_male: int
    max_female: int

    def upper(self, *, male: bool) -> int:
        """The first age at which a man (or a woman) is no longer eligible."""
        return self.max_male if male else self.max_female


def birth_date(number: str) -> date:
    """The birth date of a (valid, normalised) 18-digit number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_male(number: str) -> bool:
    """GB 11643: the 17th digit (the sequence code's last) is odd for men, even for women."""
    return int(number[16]) % 2 == 1


def age_on(born: date, on: date) -> int:
    """Full years completed on ``on``; a birthday falling on ``on`` counts as reached.

    A 29 February birthday is reached on 1 March in a common year: (2, 28) < (2, 29) still holds.
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def is_eligible(born: date, *, male: bool, on: date, limits: AgeLimits) -> bool:
    """Whether a person born on ``born`` is of legal working age on ``on`` (002: 法定劳动年龄内)."""
    age = age_on(born, on)
    return limits.min_age <= age < limits.upper(male=male)


def ineligibility(number: str, *, on: date, limits: AgeLimits) -> str | None:
    """None when the holder of a valid number is eligible on ``on``, else why not, in plain Chinese."""
    # 002: 法定劳动年龄内; min 16, under 60 (men) / 55 (women) by default (policy)
    born, male = birth_date(number), is_male(number)
    age = age_on(born, on)
    if age < limits.min_age:
        return f"开班日 {on.isoformat()} 时年龄为 {age} 周岁，未满 {limits.min_age} 周岁"
    upper = limits.upper(male=male)
    if age >= upper:
        sex = "男性" if male else "女性"
        return f"开班日 {on.isoformat()} 时年龄为 {age} 周岁，{sex}须未满 {upper} 周岁"
    return None


def _years_before(on: date, years: int) -> date:
    """The date ``years`` years before ``on`` (29 February becomes 28 February in a common year)."""
    target = on.year - years
    try:
        return on.replace(year=target)
    except ValueError:
        return date(target, 2, 28)


def birth_window(on: date, limits: AgeLimits) -> tuple[date, date] | None:
    """The earliest and latest birth dates of an eligible person on ``on`` (either sex), None when nobody is.

    Where both sexes are eligible the window is theirs in common; otherwise the widest one (callers
    check each person with ``is_eligible``).
    """
    oldest = max(limits.max_male, limits.max_female)
    common = min(limits.max_male, limits.max_female)
    upper = common if common > limits.min_age else oldest
    if upper <= limits.min_age:
        return None
    latest = _years_before(on, limits.min_age)
    earliest = _years_before(on, upper) + timedelta(days=1)
    return earliest, latest
