"""The payment gateway: the port (base), the in-process fake (fake), the real adapter (http) and a reference server.

``from workflows.gateway import …`` keeps working for the port's names and the fake, as before the package.
"""

from workflows.gateway.base import (
    GatewayError,
    GatewayTimeout,
    PaymentGateway,
    PaymentOrder,
    PaymentReceipt,
    mask_account,
)
from workflows.gateway.fake import FakeGateway

__all__ = [
    "FakeGateway",
    "GatewayError",
    "GatewayTimeout",
    "PaymentGateway",
    "PaymentOrder",
    "PaymentReceipt",
    "mask_account",
]
