"""The payment gateway port: the order, the receipt, the failures and the protocol every adapter keeps."""

from __future__ import annotations

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
