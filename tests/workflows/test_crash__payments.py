"""A payment worker killed (SIGKILL) anywhere between "decided to pay" and "recorded as paid" pays once.

Real processes: the reference gateway (an HTTP server on loopback) and ``python -m workflows.worker``,
killed by its own fault-injection hook (`SUBSIDYFLOW_CRASH_AT`) before sending, after sending but
before recording, and after recording. After a restart the gateway holds exactly one payment for
the case, the case is paid, and reconciliation finds nothing amiss; shown a mismatch, it says so.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from gateway_server import RunningGateway, reference_gateway
from sqlmodel import select

from cases.wiring import Settings, runtime
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.db import make_engine
from store.orchestration_tables import OperatorAlert
from store.tables import CaseRow, Payment
from workflows.alerts import PAYMENT_MISMATCH
from workflows.gateway.http import HttpGateway
from workflows.reconcile import reconcile_payments

ROOT = Path(__file__).resolve().parents[2]
HAPPY = ROOT.parent / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"
WORKER_TIMEOUT = 60


def case_waiting_for_payment(db: Path) -> int:
    """Play the happy path into a SQLite file up to the disbursement; the gateway failed the first try."""
    doc = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    doc.pop("expect", None)
    doc.pop("end", None)
    doc["gateway"] = ["error"]  # the in-process fake refuses once: the payment waits for its retry
    text = yaml.safe_dump(doc, allow_unicode=True)
    run = ScenarioRun(parse_scenario(text, "crash.yaml"), text, BusinessCalendar(), f"sqlite:///{db}")
    try:
        run.run()
        case_id = run.cases["main"]
        assert case_id is not None
        return case_id
    finally:
        run.close()


def worker(
    db: Path, gateway: RunningGateway, step: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m workflows.worker STEP`` once against the file and the gateway."""
    env = {
        **os.environ, "SUBSIDYFLOW_DATABASE_URL": f"sqlite:///{db}", "SUBSIDYFLOW_GATEWAY_URL": gateway.url,
        "SUBSIDYFLOW_WORKER": "crash-test-worker",
    }  # fmt: skip
    env.pop("SUBSIDYFLOW_CRASH_AT", None)
    if crash_at is not None:
        env["SUBSIDYFLOW_CRASH_AT"] = crash_at
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "workflows.worker", step], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=WORKER_TIMEOUT, check=False,
    )  # fmt: skip


def state(db: Path, case_id: int) -> tuple[str, str]:
    """The case's status and its payment's."""
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            case = connection.execute(select(CaseRow.status).where(CaseRow.id == case_id)).scalar_one()
            payment = connection.execute(
                select(Payment.status).where(Payment.case_id == case_id)
            ).scalar_one()
        return case, payment
    finally:
        engine.dispose()


@pytest.fixture
def paying(tmp_path: Path) -> Iterator[tuple[Path, int, RunningGateway]]:
    db = tmp_path / "subsidyflow.db"
    case_id = case_waiting_for_payment(db)
    with reference_gateway(tmp_path / "gateway.db") as gateway:
        yield db, case_id, gateway


def _summary(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr[-2000:]
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


@pytest.mark.parametrize(
    ("crash_at", "paid_there", "ours"),
    [("before_send", 0, "pending"), ("after_send", 1, "pending"), ("after_record", 1, "paid")],
)
def test_a_worker_killed_at_any_point_pays_exactly_once_after_restart(
    paying: tuple[Path, int, RunningGateway], crash_at: str, paid_there: int, ours: str
) -> None:
    db, case_id, gateway = paying
    killed = worker(db, gateway, "payments", crash_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert gateway.stats()["payments"] == paid_there
    assert state(db, case_id)[1] == ours

    restarted = _summary(worker(db, gateway, "payments"))
    assert restarted["outcomes"] == ({} if ours == "paid" else {"paid": 1})
    stats = gateway.stats()
    assert stats["payments"] == 1 and list(stats["per_key"].values()) == [1]
    assert state(db, case_id) == ("paid", "paid")

    reconciled = _summary(worker(db, gateway, "reconcile"))
    assert (reconciled["checked"], reconciled["settled"], reconciled["mismatches"]) == (1, [], [])


def test_reconciliation_settles_a_payment_the_gateway_made_but_we_never_recorded(
    paying: tuple[Path, int, RunningGateway],
) -> None:
    db, case_id, gateway = paying
    assert worker(db, gateway, "payments", "after_send").returncode == -signal.SIGKILL
    assert state(db, case_id) == ("payment", "pending")

    reconciled = _summary(worker(db, gateway, "reconcile"))
    assert (reconciled["settled"], reconciled["mismatches"]) == ([case_id], [])
    assert state(db, case_id) == ("paid", "paid")
    assert _summary(worker(db, gateway, "payments"))["outcomes"] == {}
    assert gateway.stats()["payments"] == 1


def test_reconciliation_reports_a_payment_paid_here_but_unknown_or_different_there(
    paying: tuple[Path, int, RunningGateway],
) -> None:
    db, case_id, gateway = paying
    assert _summary(worker(db, gateway, "payments"))["outcomes"] == {"paid": 1}
    engine = make_engine(f"sqlite:///{db}")
    rt = runtime(Settings(database_url=f"sqlite:///{db}"), db=engine)
    with rt.session() as session:  # our record says another reference than the gateway's
        payment = session.exec(select(Payment).where(Payment.case_id == case_id)).one()
        payment.reference = "REF-99999999"
        session.add(payment)
        session.commit()
    http = HttpGateway(gateway.url, timeout=5)
    try:
        first = reconcile_payments(rt, http, "reconciler")
        again = reconcile_payments(rt, http, "reconciler")
        with rt.session() as session:  # and a paid row whose key the gateway never saw
            payment = session.exec(select(Payment).where(Payment.case_id == case_id)).one()
            payment.idempotency_key = "never-sent"
            session.add(payment)
            session.commit()
        unknown = reconcile_payments(rt, http, "reconciler")
    finally:
        http.close()
    assert [c for c, _ in first.mismatches] == [case_id] and "REF-99999999" in first.mismatches[0][1]
    assert [c for c, _ in again.mismatches] == [case_id]
    assert [c for c, _ in unknown.mismatches] == [case_id] and "无此记录" in unknown.mismatches[0][1]
    with rt.session() as session:
        alerts = session.exec(select(OperatorAlert).where(OperatorAlert.kind == PAYMENT_MISMATCH)).all()
    assert len(alerts) == 2  # raised once per distinct mismatch, not at every pass
    engine.dispose()
