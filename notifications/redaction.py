"""Personal numbers never leave in a message: ID numbers, phones and bank accounts are masked wherever they appear.

A message is made from fixed templates and a few case fields, but some fields are free text (a
reviewer's reason, an institution's name): any run of seven or more digits, written together or in
groups (``138 0000 0001``, ``0391-6612345``, ``6222 0000 0000 0000 001``, full-width digits too, an
ID number's final X), keeps only its last four digits. A date written ``2026-05-08`` stays.
"""

from __future__ import annotations

import re

_SEPARATORS = " \u00a0\u3000\t\\-\u2010\u2011\u2012\u2013\u2014\u2015\uff0d"  # blanks and dashes
_RUN = re.compile(rf"\d+(?:[{_SEPARATORS}]{{1,2}}\d+)*(?:[Xx](?![A-Za-z]))?")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
MIN_DIGITS = 7  # a landline without its area code; shorter numbers are amounts, counts, years, days
KEEP = 4


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = [c for c in text if c.isdigit() or c in "Xx"]
    if sum(c.isdigit() for c in digits) < MIN_DIGITS or _DATE.fullmatch(text):
        return text
    return "*" * (len(digits) - KEEP) + "".join(digits[-KEEP:])


def redact(text: str) -> str:
    """The text with every long number (ID, phone, account) masked to its last four digits."""
    return _RUN.sub(_mask, text)
