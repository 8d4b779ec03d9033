"""The payment gateway port, and the in-process fake that scenarios and tests drive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """One instruction to pay a case's subsidy (the key makes retries safe)."""

    idempotency_key: str
    case_id: int
    amount_fen: int
    fund_source: str


@dataclass(frozen=True, slots=True)
class PaymentReceipt:
    """The gateway's record of a payment."""

    reference: str
    paid_at: datetime
    amount_fen: int


class GatewayError(RuntimeError):
    """The gateway refused or failed (HTTP 5xx): nothing was recorded, retry later."""


class GatewayTimeout(RuntimeError):
    """No answer arrived: the payment may or may not be recorded; retry with the same key."""


class PaymentGateway(Protocol):
    """Pays orders; answers a repeated idempotency key with the first result."""

    def pay(self, order: PaymentOrder, at: datetime) -> PaymentReceipt:
        """Pay (or answer the recorded result for this key); raises GatewayError / GatewayTimeout."""
        ...


class FakeGateway:
    """Behaves per request as the scenario's `gateway:` list says (ok, error, lost_reply), then ok."""

    BEHAVIOURS = ("ok", "error", "lost_reply")

    def __init__(self, behaviours: Iterable[str] = ()) -> None:
        self.behaviours = list(behaviours)
        unknown = [b for b in self.behaviours if b not in self.BEHAVIOURS]
        if unknown:
            raise ValueError(f"unknown gateway behaviour(s): {unknown}; use {self.BEHAVIOURS}")
        self.recorded: dict[str, tuple[int, PaymentReceipt]] = {}
        self.requests = 0

    def payments_for(self, case_id: int) -> int:
        """How many payments were actually recorded for a case."""
        return sum(1 for owner, _ in self.recorded.values() if owner == case_id)

    def pay(self, order: PaymentOrder, at: datetime) -> PaymentReceipt:
        """One payment request: consumes one behaviour; a repeated key records nothing new."""
        self.requests += 1
        behaviour = self.behaviours.pop(0) if self.behaviours else "ok"
        if behaviour == "error":
            raise GatewayError("HTTP 500")
        first = self.recorded.get(order.idempotency_key)
        if first is None:
            receipt = PaymentReceipt(f"FAKE-{len(self.recorded) + 1:06d}", at, order.amount_fen)
            self.recorded[order.idempotency_key] = (order.case_id, receipt)
        else:
            receipt = first[1]
        if behaviour == "lost_reply":
            raise GatewayTimeout("no reply")
        return receipt
