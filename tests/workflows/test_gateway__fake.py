"""The fake gateway honours idempotency keys and plays ok / error / lost_reply (scenario contract)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflows.gateway import FakeGateway, GatewayError, GatewayTimeout, PaymentOrder

AT = datetime(2026, 5, 8, 6, 0, tzinfo=UTC)
ORDER = PaymentOrder("k-1", 7, 4440000, "就业补助资金")


def test_ok_records_once_and_repeats_answer_the_first_result() -> None:
    gw = FakeGateway(["ok"])
    first = gw.pay(ORDER, AT)
    again = gw.pay(ORDER, datetime(2026, 5, 9, tzinfo=UTC))
    assert again == first
    assert gw.payments_for(7) == 1


def test_error_records_nothing() -> None:
    gw = FakeGateway(["error"])
    with pytest.raises(GatewayError):
        gw.pay(ORDER, AT)
    assert gw.payments_for(7) == 0
    assert gw.pay(ORDER, AT).amount_fen == 4440000


def test_lost_reply_records_but_times_out() -> None:
    gw = FakeGateway(["lost_reply", "error", "ok"])
    with pytest.raises(GatewayTimeout):
        gw.pay(ORDER, AT)
    with pytest.raises(GatewayError):
        gw.pay(ORDER, datetime(2026, 5, 8, 7, tzinfo=UTC))
    receipt = gw.pay(ORDER, datetime(2026, 5, 8, 8, tzinfo=UTC))
    assert receipt.paid_at == AT
    assert gw.payments_for(7) == 1


def test_unknown_behaviour_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        FakeGateway(["maybe"])
