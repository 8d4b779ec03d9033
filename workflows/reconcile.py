"""Reconciliation: our payment rows against the gateway's record, by idempotency key.

The gateway's first result for a key is the truth. A payment pending here that the gateway paid
(a worker died after sending, before recording) is settled: recorded as paid with the gateway's
receipt and confirmed to the case's workflow, exactly as a successful attempt would have. A payment
paid here that the gateway does not know, or knows with another amount or reference, cannot be
settled by a program: it is reported and raised once as an operator alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlmodel import and_, col, or_, select

from cases.case_events import deliver_message
from cases.conflict import CaseConflict
from cases.integrity import CaseQuarantined, ensure_intact
from cases.runtime import Runtime
from store.tables import CaseRow, Payment
from workflows.alerts import PAYMENT_MISMATCH, Alert, raise_alert
from workflows.claims import PAYMENT, claim, release
from workflows.gateway import GatewayError, GatewayTimeout, PaymentReceipt


class GatewayRecord(Protocol):
    """A gateway that answers what it recorded for a key (HttpGateway.lookup)."""

    def lookup(self, idempotency_key: str) -> PaymentReceipt | None:
        """The receipt recorded for the key, or None."""
        ...


@dataclass
class ReconcileReport:
    """What reconciliation found: payments checked, settled (case ids) and mismatches (case, what)."""

    checked: int = 0
    settled: list[int] = field(default_factory=list)
    mismatches: list[tuple[int, str]] = field(default_factory=list)
    unreachable: str | None = None


def payments_to_check(rt: Runtime, paid_since: datetime | None) -> list[int]:
    """Payments whose outcome the gateway may know: sent at least once and pending, or paid (since ``paid_since``)."""
    with rt.session() as session:
        paid = col(Payment.status) == "paid"
        if paid_since is not None:
            paid = and_(paid, col(Payment.paid_at) >= paid_since)
        stmt = (
            select(Payment.id)
            .where(or_(paid, and_(col(Payment.status) == "pending", col(Payment.attempts) > 0)))
            .order_by(col(Payment.id))
        )
        return [i for i in session.exec(stmt) if i is not None]


def reconcile_payments(
    rt: Runtime, gateway: GatewayRecord, worker: str, *, paid_since: datetime | None = None
) -> ReconcileReport:
    """Compare every payment to check with the gateway's record; settle or report each difference."""
    report = ReconcileReport()
    for payment_id in payments_to_check(rt, paid_since):
        with rt.session() as session:
            payment = session.get(Payment, payment_id)
            if payment is None:
                continue
            key, status, case_id = payment.idempotency_key, payment.status, payment.case_id
            amount, reference = payment.amount_fen, payment.reference
        try:
            there = gateway.lookup(key)
        except (GatewayError, GatewayTimeout) as failure:
            report.unreachable = f"{type(failure).__name__}: {failure}"
            break
        report.checked += 1
        mismatch: str | None = None
        if status == "paid" and there is None:
            mismatch = f"本系统记为已支付（{reference}），支付网关无此记录（幂等键 {key}）"
        elif (
            status == "paid"
            and there is not None
            and (there.reference, there.amount_fen) != (reference, amount)
        ):
            mismatch = f"本系统记为已支付 {amount} 分（{reference}），支付网关记为 {there.amount_fen} 分（{there.reference}）"
        elif status == "pending" and there is not None:
            if _settle(rt, payment_id, there, worker):
                report.settled.append(case_id)
            else:
                mismatch = f"支付网关已支付（{there.reference}），本系统仍为待支付且无法自动确认"
        if mismatch is not None:
            report.mismatches.append((case_id, mismatch))
            raise_alert(rt, Alert(PAYMENT_MISMATCH, case_id, mismatch))
    return report


def _settle(rt: Runtime, payment_id: int, receipt: PaymentReceipt, worker: str) -> bool:
    """Record the gateway's payment on our pending row and confirm it to the case; False if it cannot be."""
    taken = claim(rt, PAYMENT, select(col(Payment.id)).where(col(Payment.id) == payment_id), worker)
    if not taken:
        return False  # a worker is attempting it right now: its own answer (the same receipt) will record it
    try:
        with rt.session() as session:
            payment = session.get(Payment, payment_id)
            if payment is None or payment.status != "pending":
                return payment is not None and payment.status == "paid"
            case = session.get(CaseRow, payment.case_id)
            if case is None or case.status != "payment" or receipt.amount_fen != payment.amount_fen:
                return False
            try:
                ensure_intact(session, case)
            except (CaseQuarantined, CaseConflict):  # tampered, or moved meanwhile: not recorded now
                return False
            payment.status, payment.reference = "paid", receipt.reference
            payment.paid_at, payment.next_attempt_at = receipt.paid_at, None
            session.add(payment)
            deliver_message(
                rt, session, case, "payment_confirmed",
                {"reference": receipt.reference, "paid_at": receipt.paid_at.isoformat(),
                 "amount_fen": receipt.amount_fen},
                None,
            )  # fmt: skip
            session.commit()
            return True
    finally:
        release(rt, PAYMENT, taken, worker)
