"""Money at the edges: exact 元 and 万元."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.money import fen_to_yuan, format_wanyuan, format_yuan, yuan_to_fen


def test_fen_to_yuan_is_exact() -> None:
    """Integer fen to Decimal 元 with two places."""
    assert fen_to_yuan(4440000) == Decimal("44400.00")
    assert str(fen_to_yuan(4440000)) == "44400.00"
    assert str(fen_to_yuan(1)) == "0.01"


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (4440000, "44,400.00 元"),
        (0, "0.00 元"),
        (5, "0.05 元"),
        (123456789, "1,234,567.89 元"),
        (-150, "-1.50 元"),
    ],
)
def test_format_yuan(fen: int, text: str) -> None:
    """Thousands separators and two places."""
    assert format_yuan(fen) == text


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (4440000, "4.44 万元"),
        (2000000, "2.00 万元"),
        (0, "0.00 万元"),
        (4440100, "4.4401 万元"),
        (4440001, "4.440001 万元"),
        (12345670000, "12,345.67 万元"),
    ],
)
def test_format_wanyuan(fen: int, text: str) -> None:
    """As the form shows it: two places at least, more only when the amount needs them (exact)."""
    assert format_wanyuan(fen) == text


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (Decimal("44400.00"), 4440000),
        (44400, 4440000),
        ("44,400.00 元", 4440000),
        (" 0.5 ", 50),
        ("1e2", 10000),
    ],
)
def test_yuan_to_fen(value: Decimal | int | str, fen: int) -> None:
    """Exact conversion from 元."""
    assert yuan_to_fen(value) == fen


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("0.001", "两位小数"),
        (Decimal("NaN"), "有限"),
        ("abc", "不是有效的数字"),
        (1.5, "浮点数"),
        (True, "浮点数"),
    ],
)
def test_yuan_to_fen_refuses(value: object, match: str) -> None:
    """Fractions of a fen, non-numbers and floats are refused."""
    with pytest.raises(ValueError, match=match):
        yuan_to_fen(value)  # type: ignore[arg-type]
