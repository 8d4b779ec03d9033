"""Nothing tampered is ever acted on (issue 7, item 3): each edit named by replay, refused by commands.

A case is played from the contract's happy path up to the finance officer's disbursement, then
its stored history is edited behind the application's back, as an intruder with database access
would: an event, the snapshot (raising the amount it would pay), the last event deleted, a middle
event deleted, two events reordered, the case row. Replay names each edit; the disbursement is
refused with ``integrity`` and nothing reaches the gateway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from sqlmodel import Session, select

from cases.commands import Actor, submit_task
from cases.replay import replay_case
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.catalogue import ensure_user
from store.tables import CaseRow, Payment

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"
AMOUNT = 4440000


def _scenario(cut: int, gateway: list[str] | None = None) -> str:
    """The happy path without its last ``cut`` steps (a second, untouched case beside it)."""
    data: dict[str, Any] = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    steps = data["steps"][: len(data["steps"]) - cut]
    other = [{**step, "case": "other"} for step in steps]
    data["steps"] = [s for pair in zip(steps, other, strict=True) for s in pair]
    data.pop("expect", None)
    if gateway:
        data["gateway"] = gateway
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def waiting_for_disbursement(tmp_path: Path) -> Iterator[ScenarioRun]:
    """Two cases waiting for the finance officer's disbursement, on a database file."""
    source = _scenario(cut=1)
    run = ScenarioRun(
        parse_scenario(source, "tamper"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/t.db"
    )
    run.run()
    yield run
    run.close()


def _sql(run: ScenarioRun, statement: str, **params: Any) -> None:
    with run.rt.db.begin() as connection:
        connection.execute(text(statement), params)


def _disburse(run: ScenarioRun, label: str = "main") -> Any:
    with run.rt.session() as session:
        ensure_user(session, "qian", "finance")
        session.commit()
    return submit_task(
        run.rt,
        case_id=run.cases[label],
        actor=Actor("qian", "finance"),
        task_key="disbursement",
        data={"fund_source": "就业补助资金"},
    )


def _kinds(run: ScenarioRun, label: str = "main") -> set[str]:
    with Session(run.rt.db) as session:
        case_id = run.cases[label]
        assert case_id is not None
        return {f.kind for f in replay_case(session, case_id).findings}


def _edit_event(run: ScenarioRun) -> None:
    with Session(run.rt.db) as session:
        case = session.get(CaseRow, run.cases["main"])
        assert case is not None
    _sql(
        run,
        "UPDATE case_event SET actor = 'intruder' WHERE case_id = :c AND seq = 3",
        c=run.cases["main"],
    )


def _edit_snapshot(run: ScenarioRun) -> None:
    with Session(run.rt.db) as session:
        case = session.get(CaseRow, run.cases["main"])
        assert case is not None and str(AMOUNT) in case.snapshot
        raised = case.snapshot.replace(str(AMOUNT), "99900000")
    _sql(run, 'UPDATE "case" SET snapshot = :s WHERE id = :c', s=raised, c=run.cases["main"])


def _delete_last(run: ScenarioRun) -> None:
    _sql(
        run,
        "DELETE FROM case_event WHERE case_id = :c AND seq = (SELECT MAX(seq) FROM case_event WHERE case_id = :c)",
        c=run.cases["main"],
    )


def _delete_middle(run: ScenarioRun) -> None:
    _sql(run, "DELETE FROM case_event WHERE case_id = :c AND seq = 4", c=run.cases["main"])


def _reorder(run: ScenarioRun) -> None:
    case_id = run.cases["main"]
    _sql(run, "UPDATE case_event SET seq = -1 WHERE case_id = :c AND seq = 4", c=case_id)
    _sql(run, "UPDATE case_event SET seq = 4 WHERE case_id = :c AND seq = 5", c=case_id)
    _sql(run, "UPDATE case_event SET seq = 5 WHERE case_id = :c AND seq = -1", c=case_id)


def _edit_row_figures(run: ScenarioRun) -> None:
    with Session(run.rt.db) as session:
        case = session.get(CaseRow, run.cases["main"])
        assert case is not None
        case.figures = {**case.figures, "amount_fen": 99900000}
        session.add(case)
        session.commit()


def _edit_row_count(run: ScenarioRun) -> None:
    _sql(run, 'UPDATE "case" SET planned_count = 50 WHERE id = :c', c=run.cases["main"])


TAMPERING: dict[str, tuple[Callable[[ScenarioRun], None], str]] = {
    "edited event": (_edit_event, "edited"),
    "edited snapshot": (_edit_snapshot, "snapshot"),
    "deleted last event": (_delete_last, "head"),
    "deleted middle event": (_delete_middle, "missing"),
    "reordered events": (_reorder, "reordered"),
    "edited row figures": (_edit_row_figures, "row"),
    "edited row count": (_edit_row_count, "row"),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_tampering_is_named_by_replay_and_refused_by_commands(
    waiting_for_disbursement: ScenarioRun, name: str
) -> None:
    run = waiting_for_disbursement
    assert _kinds(run) == set()  # intact before the edit
    tamper, kind = TAMPERING[name]
    tamper(run)

    assert kind in _kinds(run), name
    assert _kinds(run, "other") == set()  # the untouched case still replays

    outcome = _disburse(run)
    assert not outcome.ok
    assert outcome.errors[0].code == "integrity"
    assert "完整性" in outcome.errors[0].message
    run.advance(run.clock.now())
    run._settle_payments()
    with Session(run.rt.db) as session:
        assert session.exec(select(Payment).where(Payment.case_id == run.cases["main"])).first() is None
    assert run.gateway.payments_for(run.cases["main"]) == 0

    assert _disburse(run, "other").ok  # the other case goes on
    run._settle_payments()
    assert run.gateway.payments_for(run.cases["other"]) == 1


def test_a_payment_order_edited_after_the_decision_is_held_not_paid(tmp_path: Path) -> None:
    source = _scenario(cut=0, gateway=["error", "error"])
    run = ScenarioRun(
        parse_scenario(source, "held"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/p.db"
    )
    try:
        for index, step in enumerate(run.scenario.steps):
            run.play_step(index, step)
        case_id = run.cases["main"]
        with Session(run.rt.db) as session:
            payment = session.exec(select(Payment).where(Payment.case_id == case_id)).one()
            assert payment.status == "pending"  # the gateway failed: waiting for its retry
        _sql(run, "UPDATE payment SET amount_fen = 99900000 WHERE case_id = :c", c=case_id)
        run.advance(run.clock.now().replace(year=2026, month=6, day=30))
        with Session(run.rt.db) as session:
            payment = session.exec(select(Payment).where(Payment.case_id == case_id)).one()
            assert payment.status == "held"
            assert "不符" in (payment.last_error or "")
        assert run.gateway.payments_for(case_id) == 0
        assert run.gateway.payments_for(run.cases["other"]) == 1
    finally:
        run.close()


def test_a_quarantined_case_is_skipped_by_the_timer_sweep(waiting_for_disbursement: ScenarioRun) -> None:
    run = waiting_for_disbursement
    _edit_snapshot(run)
    from workflows.sweep import sweep_timers

    with Session(run.rt.db) as session:
        case = session.get(CaseRow, run.cases["main"])
        assert case is not None
    # the payment SLA timer of both cases falls due; the tampered one is reported, the other fires
    later = run.clock.now().replace(month=6, day=30)
    run.clock.move_to(later)
    report = sweep_timers(run.rt, later)
    assert [case_id for case_id, _ in report.quarantined] == [run.cases["main"]]
    assert run.cases["other"] in report.moved


def test_a_fraud_finding_on_a_quarantined_case_is_refused_not_crashed(
    waiting_for_disbursement: ScenarioRun,
) -> None:
    from cases.case_events import report_fraud

    run = waiting_for_disbursement
    _edit_row_figures(run)
    with run.rt.session() as session:
        ensure_user(session, "sun", "inspector")
        session.commit()
    outcome = report_fraud(
        run.rt, case_id=run.cases["main"], actor=Actor("sun", "inspector"), data={"reason": "虚报人数"}
    )
    assert not outcome.ok and outcome.errors[0].code == "integrity"
