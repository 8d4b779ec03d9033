"""The payment gateway port, and the in-process fake that scenarios and tests drive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

_ACCOUNT_SHOWN = 4  # the last digits of a bank account that may be shown


def mask_account(account: str) -> str:
    """A bank account as it may be shown or logged: its last four digits only (6222 … 0001 → ****0001)."""
    # 004 (三)4: 对涉及个人隐私的敏感信息原则上不予公示 — an account is never shown whole
    if len(account) <= _ACCOUNT_SHOWN:
        return "*" * len(account)
    return "*" * (len(account) - _ACCOUNT_SHOWN) + account[-_ACCOUNT_SHOWN:]


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """One instruction to pay a case's subsidy (the key makes retries safe) to its payee.

    004 (三)4: 由个人、企业或培训机构申领 — the payee is the institution, the enterprise (001: 直补企业)
    or the individual trainee, paid to the account of the case's latest valid opening application.
    The account never appears in the order's repr (it is personal data): use ``masked_account``.
    """

    idempotency_key: str
    case_id: int
    amount_fen: int
    fund_source: str
    payee_kind: str = "institution"
    payee_name: str = ""
    bank_name: str = ""
    bank_account: str = field(default="", repr=False)

    @property
    def masked_account(self) -> str:
        """The account with all but its last four digits hidden."""
        return mask_account(self.bank_account)


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
