"""Claims on PostgreSQL: workers claiming due payments at the same moment get disjoint sets (FOR UPDATE SKIP
LOCKED and the lease upsert), a held lease keeps others out until it expires, and its owner gets it back."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.tables import CaseRow, DeploymentRow, Payment
from workflows.claims import PAYMENT, claim, due_payment_candidates, release

NOW = datetime(2026, 6, 1, 9, tzinfo=SHANGHAI)
PAYMENTS = 40


def pending_payments(engine: Engine) -> list[int]:
    with Session(engine) as session:
        session.add(DeploymentRow(id="claims", policy={}, created_at=NOW))
        session.flush()
        ids = []
        for i in range(PAYMENTS):
            case = CaseRow(
                label=f"c{i}", deployment_id="claims", process_id="subsidy_lifecycle", applicant="jyjs",
                institution="济源技师学院", occupation="焊工", level="中级工", batch=f"b{i}",
                start_date=NOW.date(), end_date=NOW.date(), planned_count=3, status="payment", figures={},
                snapshot="{}", digest="0" * 64, created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            session.add(case)
            session.flush()
            assert case.id is not None
            payment = Payment(case_id=case.id, idempotency_key=f"k{i}", amount_fen=100, fund_source="就业补助资金",
                              status="pending", next_attempt_at=NOW - timedelta(minutes=i))  # fmt: skip
            session.add(payment)
            session.flush()
            assert payment.id is not None
            ids.append(payment.id)
        session.commit()
    return ids


@pytest.mark.postgres
def test_concurrent_claims_are_disjoint_and_leases_expire(postgres_db: Engine) -> None:
    ids = pending_payments(postgres_db)
    clock = VirtualClock(NOW)
    rt = Runtime(postgres_db, clock, BusinessCalendar(), Policy())
    barrier = threading.Barrier(4)
    taken: dict[str, list[int]] = {}

    def worker(name: str) -> None:
        barrier.wait()
        got: list[int] = []
        for _ in range(PAYMENTS):
            batch = claim(rt, PAYMENT, due_payment_candidates(NOW, name, 3), name, timedelta(minutes=2))
            if not batch:
                break
            got += batch
            set_status(postgres_db, batch, "paid")  # the work: done, then the claims given back
            release(rt, PAYMENT, batch, name)
        taken[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    every = [i for got in taken.values() for i in got]
    assert sorted(every) == sorted(ids)  # each payment taken by exactly one worker
    assert len([name for name, got in taken.items() if got]) > 1  # and the work was shared

    set_status(postgres_db, ids, "pending")
    held = claim(rt, PAYMENT, due_payment_candidates(NOW, "w0", 5), "w0")  # w0 takes 5 and dies holding them
    assert len(held) == 5
    others = claim(rt, PAYMENT, due_payment_candidates(NOW, "w9", PAYMENTS), "w9")
    assert sorted(others) == sorted(set(ids) - set(held))
    release(rt, PAYMENT, others, "w9")
    assert claim(rt, PAYMENT, due_payment_candidates(NOW, "w9", PAYMENTS), "w9") == others  # w0's still held
    release(rt, PAYMENT, others, "w9")
    assert claim(rt, PAYMENT, due_payment_candidates(NOW, "w0", PAYMENTS), "w0")[:5] == held  # its own, back
    clock.move_to(NOW + timedelta(minutes=3))  # the leases ran out: another worker takes them over
    later = clock.now()
    assert sorted(claim(rt, PAYMENT, due_payment_candidates(later, "w9", PAYMENTS), "w9")) == sorted(ids)


def set_status(engine: Engine, ids: list[int], status: str) -> None:
    with Session(engine) as session:
        for payment_id in ids:
            payment = session.get(Payment, payment_id)
            assert payment is not None
            payment.status = status
            session.add(payment)
        session.commit()
