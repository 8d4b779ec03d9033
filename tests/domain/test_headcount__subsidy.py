"""The subsidy in fen: base part + performance part (003 (十一)), exact integers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.headcount import Subsidy, subsidy_for


def test_example_01_split() -> None:
    """37 × 1200 元: 4440000 fen, 20 % performance 888000, base 3552000."""
    assert subsidy_for(37, 1200, 20) == Subsidy(amount_fen=4440000, base_fen=3552000, performance_fen=888000)


def test_example_03_split() -> None:
    """25 × 800 元: 2000000 fen, 400000 performance, 1600000 base."""
    assert subsidy_for(25, 800, 20) == Subsidy(amount_fen=2000000, base_fen=1600000, performance_fen=400000)


def test_performance_part_rounds_up() -> None:
    """003 (十一): 考核补贴不低于补贴总额的20% — a fraction of a fen goes to the performance part."""
    # 1 × 1 元 = 100 fen at 33 %: 33 fen exactly; at 33.3 %: 33.3 fen → 34
    assert subsidy_for(1, 1, 33) == Subsidy(100, 67, 33)
    assert subsidy_for(1, 1, 33.3) == Subsidy(100, 66, 34)
    # 0.1 is not exact in binary; 1000 fen × 20.1 % = 201 fen exactly, not 202
    assert subsidy_for(1, 10, 20.1).performance_fen == 201


def test_nobody_eligible() -> None:
    """No eligible trainee, no money."""
    assert subsidy_for(0, 1200, 20) == Subsidy(0, 0, 0)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=20, max_value=100),
)
def test_split_adds_up_and_meets_the_floor(eligible: int, standard: int, pct: int) -> None:
    """base + performance = amount, and performance ≥ pct % of the amount, by less than one fen."""
    s = subsidy_for(eligible, standard, pct)
    assert s.base_fen + s.performance_fen == s.amount_fen == eligible * standard * 100
    assert 0 <= s.performance_fen * 100 - s.amount_fen * pct < 100
