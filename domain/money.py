"""Money: integer fen inside, exact Decimal 元 and 万元 at the edges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

_FEN_PER_WANYUAN = 1_000_000
_MIN_WANYUAN_PLACES = 2


def fen_to_yuan(fen: int) -> Decimal:
    """``fen`` as 元 with two places (4440000 → Decimal('44400.00'))."""
    return Decimal(fen).scaleb(-2)


def format_yuan(fen: int) -> str:
    """``fen`` for display in 元 with thousands separators ("44,400.00 元")."""
    return f"{fen_to_yuan(fen):,.2f} 元"


def format_wanyuan(fen: int) -> str:
    """``fen`` for display in 万元 as the form shows it ("4.44 万元"), exact, at least two places."""
    value = Decimal(fen).scaleb(-6)  # 1 fen = 0.000001 万元: exact, no rounding
    text = f"{value:,.6f}".rstrip("0")
    places = len(text) - text.index(".") - 1
    if places < _MIN_WANYUAN_PLACES:
        text += "0" * (_MIN_WANYUAN_PLACES - places)
    return f"{text} 万元"


def yuan_to_fen(value: Decimal | int | str) -> int:
    """An amount in 元 as integer fen; refuses fractions of a fen, floats and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"金额 {value!r} 应为整数、Decimal 或数字文本（不接受浮点数，以免误差）")
    if isinstance(value, str):
        text = value.strip().removesuffix("元").strip().replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"金额 {value!r} 不是有效的数字，请写成 44400.00 这样的形式") from None
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"金额 {value!r} 不是有限的数，请填写具体金额")
    fen = amount.scaleb(2)
    if fen != fen.to_integral_value():
        raise ValueError(f"金额 {value!r} 精确到分以下，最多只能有两位小数，请更正")
    return int(fen)
