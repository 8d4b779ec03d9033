"""The real gateway adapter: the payment order over HTTP (httpx), the case's idempotency key on every attempt.

The gateway answers a repeated key with the first result, so a retry after a timeout or a dropped
connection is safe: the adapter sends the same key in the ``Idempotency-Key`` header and in the
body, and reads whatever 2xx answer comes back as the receipt of the one payment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from workflows.gateway.base import GatewayError, GatewayTimeout, PaymentOrder, PaymentReceipt

IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TIMEOUT = 10.0  # seconds, for connecting and for the answer


class HttpGateway:
    """Pays orders through a gateway's HTTP API (``POST /payments``, ``GET /payments/{key}``)."""

    def __init__(
        self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT, client: httpx.Client | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client if client is not None else httpx.Client(timeout=timeout)
        self._own_client = client is None

    def close(self) -> None:
        """Close the connection pool (only one this adapter opened)."""
        if self._own_client:
            self._client.close()

    def pay(self, order: PaymentOrder, at: datetime) -> PaymentReceipt:
        """One payment request; GatewayError (refused, nothing recorded) or GatewayTimeout (outcome unknown)."""
        try:
            response = self._client.post(
                f"{self.base_url}/payments",
                headers={IDEMPOTENCY_HEADER: order.idempotency_key},
                json=_body(order, at),
            )
        except httpx.ConnectError as refused:  # nothing reached the gateway: nothing recorded
            raise GatewayError(f"gateway unreachable ({type(refused).__name__})") from None
        except httpx.TimeoutException as timeout:
            raise GatewayTimeout(f"no answer in time ({type(timeout).__name__})") from None
        except httpx.TransportError as lost:  # sent, then the connection broke: it may be recorded
            raise GatewayTimeout(f"connection lost before the answer ({type(lost).__name__})") from None
        return _receipt(order, response)

    def lookup(self, idempotency_key: str) -> PaymentReceipt | None:
        """The gateway's record for a key (reconciliation), or None when it recorded nothing."""
        try:
            response = self._client.get(f"{self.base_url}/payments/{idempotency_key}")
        except httpx.TimeoutException as timeout:
            raise GatewayTimeout(f"no answer in time ({type(timeout).__name__})") from None
        except httpx.TransportError as failed:
            raise GatewayError(f"gateway unreachable ({type(failed).__name__})") from None
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if not response.is_success:
            raise GatewayError(f"HTTP {response.status_code}")
        return _parse_receipt(response, idempotency_key)


def _body(order: PaymentOrder, at: datetime) -> dict[str, Any]:
    """The request's JSON: the key again, the amount in fen, the fund and the payee with its account."""
    return {
        "idempotency_key": order.idempotency_key,
        "case_id": order.case_id,
        "amount_fen": order.amount_fen,
        "fund_source": order.fund_source,
        "requested_at": at.isoformat(),
        "payee": {
            "kind": order.payee_kind,
            "name": order.payee_name,
            "bank_name": order.bank_name,
            "bank_account": order.bank_account,
        },
    }


def _receipt(order: PaymentOrder, response: httpx.Response) -> PaymentReceipt:
    """The receipt of a 2xx answer; any other status is a GatewayError (its body is never echoed)."""
    if not response.is_success:
        raise GatewayError(f"HTTP {response.status_code}")
    receipt = _parse_receipt(response, order.idempotency_key)
    if receipt.amount_fen != order.amount_fen:
        # Never record as paid what the gateway says it paid differently: an operator looks at it.
        raise GatewayError(f"receipt amount {receipt.amount_fen} differs from the order's {order.amount_fen}")
    return receipt


def _parse_receipt(response: httpx.Response, idempotency_key: str) -> PaymentReceipt:
    try:
        data = response.json()
        if data.get("idempotency_key") != idempotency_key:
            raise GatewayError("receipt for another idempotency key")
        paid_at = datetime.fromisoformat(str(data["paid_at"]))
        if paid_at.tzinfo is None:
            raise GatewayError("receipt time without a time zone")
        return PaymentReceipt(str(data["reference"]), paid_at, int(data["amount_fen"]))
    except (ValueError, KeyError, TypeError, AttributeError) as bad:
        raise GatewayError(f"unreadable receipt ({type(bad).__name__})") from None
