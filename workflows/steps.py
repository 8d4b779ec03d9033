"""The machinery's steps as plain functions: claim due work, do it, release it. Prefect flows sequence them.

Each step is idempotent: a timer fires once (the case's version guards it), a payment is sent
with its idempotency key, an alert or reminder is recorded once. The steps run the same under a
Prefect flow (workflows/flows.py) and in a bare worker process (``python -m workflows.worker``),
which the crash tests kill at chosen points.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases.runtime import Runtime
from cases.wiring import Settings
from workflows.alerts import CASE_QUARANTINED, TIMER_BLOCKED, Alert, raise_alert
from workflows.claims import (
    DEFAULT_LEASE,
    PAYMENT,
    TIMERS,
    claim,
    due_payment_candidates,
    due_timer_candidates,
    park,
    release,
)
from workflows.due_work import next_instants
from workflows.gateway import PaymentGateway
from workflows.gateway.http import HttpGateway
from workflows.payments import attempt_payment, crash_point
from workflows.sweep import sweep_cases

log = logging.getLogger(__name__)

BATCH = 50  # items claimed at a time: short claim transactions, work spread over workers
MAX_ROUNDS = 1000  # a pass ends even if work keeps falling due (bounded loop)
PARK_FOR = timedelta(minutes=10)  # a case whose timers cannot fire is looked at again after this


@dataclass
class TimerPass:
    """What one pass of the timer step did."""

    moved: list[int] = field(default_factory=list)
    blocked: list[tuple[int, str]] = field(default_factory=list)
    quarantined: list[tuple[int, str]] = field(default_factory=list)
    alerts: int = 0


def fire_due_timers(
    rt: Runtime, worker: str, *, batch: int = BATCH, lease: timedelta = DEFAULT_LEASE
) -> TimerPass:
    """Fire every due timer this worker can claim, case by case; alert (once) on a timer that cannot fire."""
    done = TimerPass()
    set_aside: set[int] = set()
    for round_ in range(MAX_ROUNDS):
        taken = claim(rt, TIMERS, due_timer_candidates(rt.now(), worker, batch, set_aside), worker, lease)
        if not taken:
            break
        if round_:
            crash_point("timers_claimed")  # the crash tests: dies holding claims, after some work was done
        try:
            report = sweep_cases(rt, taken)
        except BaseException:
            release(rt, TIMERS, taken, worker)
            raise
        stuck = {case_id for case_id, _ in (*report.failed, *report.quarantined)}
        for case_id in stuck:  # not retried at every pass: looked at again after PARK_FOR
            park(rt, TIMERS, case_id, worker, rt.now() + PARK_FOR)
        release(rt, TIMERS, [c for c in taken if c not in stuck], worker)
        done.moved.extend(report.moved)
        done.blocked.extend(report.failed)
        done.quarantined.extend(report.quarantined)
        set_aside.update(stuck)
        for case_id, why in report.failed:
            done.alerts += raise_alert(rt, Alert(TIMER_BLOCKED, case_id, why))
        for case_id, why in report.quarantined:
            done.alerts += raise_alert(rt, Alert(CASE_QUARANTINED, case_id, why))
    return done


def disburse_due_payments(
    rt: Runtime, gateway: PaymentGateway, worker: str, *, batch: int = BATCH, lease: timedelta = DEFAULT_LEASE
) -> dict[str, int]:
    """Attempt every payment due now that this worker can claim; counts by outcome (paid, retry, held …)."""
    outcomes: dict[str, int] = {}
    for _ in range(MAX_ROUNDS):
        taken = claim(rt, PAYMENT, due_payment_candidates(rt.now(), worker, batch), worker, lease)
        if not taken:
            break
        try:
            for payment_id in taken:
                outcome = attempt_payment(rt, gateway, payment_id)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        finally:
            release(rt, PAYMENT, taken, worker)
    return outcomes


def has_due_work(rt: Runtime, worker: str) -> bool:
    """Whether a timer or payment is due now that this worker could claim (parked and held items aside)."""
    now = rt.now()
    with rt.session() as session:
        timer = session.exec(due_timer_candidates(now, worker, 1)).first()
        return timer is not None or session.exec(due_payment_candidates(now, worker, 1)).first() is not None


def next_due_at(rt: Runtime) -> datetime | None:
    """The earliest instant a timer or payment falls due (read from the indexes), or None."""
    instants = [i for i in next_instants(rt) if i is not None]
    return min(instants) if instants else None


def gateway_of(settings: Settings) -> HttpGateway | None:
    """The payment gateway the settings name (`SUBSIDYFLOW_GATEWAY_URL`), or None: payments wait."""
    return HttpGateway(settings.gateway_url) if settings.gateway_url else None
