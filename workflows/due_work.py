"""The loop that runs the machinery's due work in time order: timers, then payment attempts.

Shared by the scenario runner (a virtual clock moved to each due instant) and the orchestration
flows (the real clock): whatever drives the clock, due work is done in the order it fell due,
a timer one second after its instant (Spiff fires a timer strictly after it is due), and a case
whose timers cannot fire (no calendar data, a quarantined history) is set aside and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from workflows.gateway import PaymentGateway
from workflows.payments import attempt_payment, due_payments, next_payment_stmt
from workflows.sweep import next_timer_stmt, sweep_timers

MAX_STEPS = 10_000


class MachineryRunaway(RuntimeError):
    """Due work that keeps falling due: a fault, never an endless loop."""


def next_instants(rt: Runtime, skip: frozenset[int] = frozenset()) -> tuple[datetime | None, datetime | None]:
    """The earliest waiting timer's instant (cases in ``skip`` left out) and the earliest payment attempt's.

    Two index reads on one connection, no ORM session (asked around every step and at every
    wake-up of the orchestration: a session's set-up and close were 40 % of the reads' time). Not
    one statement of two scalar subqueries: the query-plan guard (tests/support/query_plans.py)
    vouches for a top-N index scan only in a statement of its own.
    """
    with rt.db.connect() as connection:
        timer_at = connection.execute(next_timer_stmt(skip)).scalar()
        return timer_at, connection.execute(next_payment_stmt()).scalar()


@dataclass
class DueWork:
    """The machinery of one runtime: its gateway and the cases set aside (with why)."""

    rt: Runtime
    gateway: PaymentGateway
    set_aside: dict[int, str] = field(default_factory=dict)

    def settle_payments(self, now: datetime) -> None:
        """Attempt every payment due by ``now``."""
        for payment_id in due_payments(self.rt, now):
            attempt_payment(self.rt, self.gateway, payment_id)

    def fire_timers(self, now: datetime) -> tuple[int, ...]:
        """Fire every timer due before ``now``; the cases moved."""
        report = sweep_timers(self.rt, now, skip=frozenset(self.set_aside))
        self.set_aside.update(dict(report.failed))
        self.set_aside.update(dict(report.quarantined))
        return report.moved

    def next_due(self, target: datetime) -> tuple[datetime, str] | None:
        """The earliest due work up to ``target``: its instant and kind (timer or payment)."""
        candidates = []
        timer_at, pay_at = next_instants(self.rt, frozenset(self.set_aside))
        if timer_at is not None and timer_at < target:
            candidates.append((min(timer_at + timedelta(seconds=1), target), "timer"))
        if pay_at is not None and pay_at <= target:
            candidates.append((pay_at, "payment"))
        return min(candidates) if candidates else None

    def advance(self, clock: VirtualClock, target: datetime) -> None:
        """Move a virtual clock to ``target``, doing every due timer and payment on the way, in order."""
        for _ in range(MAX_STEPS):
            due = self.next_due(target)
            if due is None:
                break
            instant, kind = due
            if instant > clock.now():
                clock.move_to(instant)
            if kind == "timer":
                self.fire_timers(clock.now())
            else:
                self.settle_payments(clock.now())
        else:
            raise MachineryRunaway("machinery did not settle: a timer or payment keeps firing")
        if target > clock.now():
            clock.move_to(target)
