"""Payment steps: send due payment orders to the gateway, exactly once whatever fails."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from cases.case_events import deliver_message
from cases.conflict import CaseConflict
from cases.integrity import CaseQuarantined, ensure_intact
from cases.runtime import Runtime
from cases.step import payment_key
from store.tables import CaseRow, Payment
from workflows.gateway import GatewayError, GatewayTimeout, PaymentGateway, PaymentOrder

# Back-off between attempts: 1 min, 5 min, 15 min, 1 h, then every 4 h.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
LATER = timedelta(hours=4)


CRASH_ENV = (
    "SUBSIDYFLOW_CRASH_AT"  # fault injection for the crash tests (docs/runbook.md); unset in production
)
CRASH_POINTS = ("before_send", "after_send", "after_record", "timers_claimed")  # the last: workflows/steps.py


def crash_point(name: str) -> None:
    """Kill this process (SIGKILL, no clean-up) at ``name`` when `SUBSIDYFLOW_CRASH_AT` names it; else nothing."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return RETRY_DELAYS[attempts - 1] if 0 < attempts <= len(RETRY_DELAYS) else LATER


def due_payments(rt: Runtime, now: datetime) -> list[int]:
    """Ids of payments whose next attempt is due (a read on a plain connection: asked after every step)."""
    with rt.db.connect() as connection:
        return [i for i in connection.execute(_DUE_PAYMENTS, {"now": now}).scalars() if i is not None]


# Built once, run with bound values: building a statement costs more than SQLite running it.
_DUE_PAYMENTS = (
    select(Payment.id)
    .where(Payment.status == "pending", col(Payment.next_attempt_at) <= bindparam("now"))
    .order_by(col(Payment.next_attempt_at))
)
_NEXT_PAYMENT = (
    select(Payment.next_attempt_at)
    .where(Payment.status == "pending")
    .order_by(col(Payment.next_attempt_at))
    .limit(1)  # without it the database sorts every pending row (~250 ms at 100,000 timers)
)


def next_payment_stmt() -> SelectOfScalar[datetime] | SelectOfScalar[None]:
    """The earliest pending payment's next attempt, read from the index."""
    return _NEXT_PAYMENT


def _hold_reason(session: Session, case: CaseRow, payment: Payment) -> str | None:
    """Why a payment must not go out (a quarantined case, an order that is not the case's), or None."""
    try:
        ensure_intact(session, case)
    except CaseQuarantined as quarantined:
        return quarantined.first.message
    if payment.amount_fen != case.figures.get("amount_fen") or payment.idempotency_key != payment_key(
        payment.case_id
    ):
        return f"支付指令（{payment.amount_fen} 分）与案件核定金额（{case.figures.get('amount_fen')} 分）不符，已暂停支付"
    return None


def attempt_payment(rt: Runtime, gateway: PaymentGateway, payment_id: int) -> str:
    """One attempt: `paid`, or `retry` with the next attempt scheduled. Idempotent by key."""
    with rt.session() as session:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.status != "pending":
            return "skipped"
        case = session.get(CaseRow, payment.case_id)
        if case is None or case.status != "payment":
            # Only a case waiting for its payment is paid (a stopped case never is).
            payment.status, payment.next_attempt_at = "cancelled", None
            session.add(payment)
            session.commit()
            return "cancelled"
        try:
            held = _hold_reason(session, case, payment)
        except CaseConflict:
            return "conflict"  # a command moved the case meanwhile: still pending, the next pass looks again
        if held is not None:
            # Nothing tampered is ever paid: the payment waits for an operator, the case is untouched.
            payment.status, payment.next_attempt_at, payment.last_error = "held", None, held
            session.add(payment)
            session.commit()
            return "held"
        now = rt.now()
        # 004 (三)4: paid to the payee fixed when the payment was ordered (institution, enterprise or person)
        order = PaymentOrder(
            payment.idempotency_key, payment.case_id, payment.amount_fen, payment.fund_source,
            payee_kind=payment.payee_kind, payee_name=payment.payee_name,
            bank_name=payment.bank_name, bank_account=payment.bank_account,
        )  # fmt: skip
        payment.attempts += 1
        crash_point("before_send")
        try:
            receipt = gateway.pay(order, now)
        except (GatewayError, GatewayTimeout) as failure:
            payment.last_error = f"{type(failure).__name__}: {failure}"
            payment.next_attempt_at = now + retry_delay(payment.attempts)
            session.add(payment)
            session.commit()
            return "retry"
        crash_point("after_send")
        payment.status = "paid"
        payment.reference = receipt.reference
        payment.paid_at = receipt.paid_at
        payment.next_attempt_at = None
        session.add(payment)
        deliver_message(
            rt, session, case, "payment_confirmed",
            {"reference": receipt.reference, "paid_at": receipt.paid_at.isoformat(), "amount_fen": receipt.amount_fen},
            None,
        )  # fmt: skip
        session.commit()
        crash_point("after_record")
        return "paid"
