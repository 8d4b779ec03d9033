"""The deterministic trainee generator behind ``roster: {generate: N}``."""

from __future__ import annotations

from datetime import date

import pytest

from domain.idnumber import GROUPS, IdentityGenerator, id_number_problem

TODAY = date(2026, 11, 2)


def test_same_seed_same_sequence() -> None:
    """Identical on every run of the same file."""
    assert IdentityGenerator("01_happy_path").trainees(40) == IdentityGenerator("01_happy_path").trainees(40)
    assert IdentityGenerator("a").trainees(5) != IdentityGenerator("b").trainees(5)


def test_trainees_are_valid_unique_and_plausible() -> None:
    """Valid 济源 numbers born 1970–2004 with high sequence codes, unique IDs and phones, known groups."""
    people = IdentityGenerator("scale").trainees(2000)
    assert len({p.id_number for p in people}) == 2000
    assert len({p.phone for p in people}) == 2000
    for p in people:
        assert id_number_problem(p.id_number, today=TODAY) is None
        assert p.id_number.startswith("410881")
        assert date(1970, 1, 1) <= date(
            int(p.id_number[6:10]), int(p.id_number[10:12]), int(p.id_number[12:14])
        )
        assert int(p.id_number[6:10]) <= 2004
        assert 500 <= int(p.id_number[14:17]) <= 999
        assert p.phone.startswith("139")
        assert len(p.phone) == 11
        assert p.phone.isdigit()
        assert p.group in GROUPS
        assert 2 <= len(p.name) <= 3


def test_unique_across_calls_on_one_generator() -> None:
    """Later calls never repeat an earlier number."""
    gen = IdentityGenerator("calls")
    first = gen.trainees(30)
    second = [gen.next_trainee() for _ in range(30)]
    assert not {p.id_number for p in first} & {p.id_number for p in second}


def test_excluded_numbers_are_skipped() -> None:
    """Numbers already used elsewhere (given in either case) are never generated."""
    taken = [p.id_number for p in IdentityGenerator("x").trainees(10)]
    fresh = IdentityGenerator("x", exclude=[n.lower() for n in taken]).trainees(10)
    assert not set(taken) & {p.id_number for p in fresh}


def test_exhausted_generator_says_so() -> None:
    """After every (birth date, sequence code) slot is used, it refuses instead of repeating."""
    gen = IdentityGenerator("end")
    gen._count = 12784 * 500  # every slot of 1970-01-01..2004-12-31 × 500..999 taken
    with pytest.raises(RuntimeError, match="用尽"):
        gen.next_trainee()
