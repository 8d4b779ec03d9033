"""Sane ranges of any figure the product accepts: integers a database column holds, dates of a plausible era."""

from __future__ import annotations

from datetime import date

MIN_YEAR = 1900
MAX_YEAR = 2200
MAX_INT = 1_000_000_000  # every count, hour and amount (fen) of a form; fits a 32-bit column


def year_in_range(value: date) -> bool:
    """Whether a date (or datetime) falls in MIN_YEAR..MAX_YEAR."""
    return MIN_YEAR <= value.year <= MAX_YEAR


def year_message(name: str, value: date) -> str:
    """The refusal of a date outside the sane era."""
    return f"{name} 的年份 {value.year} 超出合理范围（{MIN_YEAR}–{MAX_YEAR} 年），请检查日期"
