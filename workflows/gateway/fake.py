"""The in-process fake gateway that the scenario runner and tests drive (the scenario contract's `gateway:`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from workflows.gateway.base import GatewayError, GatewayTimeout, PaymentOrder, PaymentReceipt


class FakeGateway:
    """Behaves per request as the scenario's `gateway:` list says (ok, error, lost_reply), then ok."""

    BEHAVIOURS = ("ok", "error", "lost_reply")

    def __init__(self, behaviours: Iterable[str] = ()) -> None:
        self.behaviours = list(behaviours)
        unknown = [b for b in self.behaviours if b not in self.BEHAVIOURS]
        if unknown:
            raise ValueError(f"unknown gateway behaviour(s): {unknown}; use {self.BEHAVIOURS}")
        self.recorded: dict[str, tuple[int, PaymentReceipt]] = {}
        self.orders: dict[str, PaymentOrder] = {}  # the order of each recorded payment, by key
        self.requests = 0

    def payments_for(self, case_id: int) -> int:
        """How many payments were actually recorded for a case."""
        return sum(1 for owner, _ in self.recorded.values() if owner == case_id)

    def order_for(self, case_id: int) -> PaymentOrder | None:
        """The order of the payment recorded for a case (payee and account as the gateway got them)."""
        return next((o for o in self.orders.values() if o.case_id == case_id), None)

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
            self.orders[order.idempotency_key] = order
        else:
            receipt = first[1]
        if behaviour == "lost_reply":
            raise GatewayTimeout("no reply")
        return receipt
