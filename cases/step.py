"""One engine step made durable: effects, status, snapshot, hash-chained event and projections in one
transaction, under the case's version.
"""

from __future__ import annotations

from datetime import date, datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bpmn.engine import CaseRun, StepReport
from cases import integrity, projections
from cases.conflict import CaseConflict
from cases.personal_data import readable_form
from cases.runtime import Runtime
from cases.status import derive_status
from domain.vocab import InstitutionStatus
from store import event_log, outbox
from store.catalogue import set_institution_status
from store.tables import CaseEvent, CaseRow, HumanTask, Notice, Payment, RosterEntry, SlaBreach
from store.writes import insert_rows

FIGURES = (
    "opening_count", "attendance_base", "certified", "eligible", "amount_fen", "base_fen",
    "performance_fen", "notice_start", "notice_end", "outcome", "claim_date",
)  # fmt: skip


def log_event(
    session: Session,
    case: CaseRow,
    type_: str,
    actor: str | None,
    payload: dict[str, Any],
    at: datetime,
    digest: str,
) -> None:
    """Append an event that changes no engine state; the head moves with the case row under its version."""
    assert case.id is not None  # noqa: S101 - persisted
    sealed = {**payload, "state": integrity.seal(case)}
    event = event_log.event_values(
        case.id, (case.event_seq, case.head_hash), type_, actor, sealed, at, digest
    )
    _write_case(session, case, {"event_seq": event["seq"], "head_hash": event["hash"]}, event)


_CASE = CaseRow.__table__  # type: ignore[attr-defined]
# Core, built once: the SET clause is the columns each call's parameters name (the ORM form, built
# per command with the snapshot's value, took a third of the write's time).
_UPDATE_CASE = update(_CASE).where(
    _CASE.c.id == bindparam("case_id"), _CASE.c.version == bindparam("expected")
)


def _write_case(session: Session, case: CaseRow, values: dict[str, Any], event: dict[str, Any]) -> None:
    """Write the case row under its version (a lost race raises CaseConflict), then its event."""
    assert case.id is not None  # noqa: S101 - persisted
    values = {**values, "version": case.version + 1}
    session.flush()
    # the row object is set below, without a reload
    result = session.connection().execute(
        _UPDATE_CASE, {**values, "case_id": case.id, "expected": case.version}
    )
    if getattr(result, "rowcount", 0) != 1:
        raise CaseConflict(case.id)
    # The version check above holds the case's row: the event's sequence number is ours alone.
    insert_rows(session, CaseEvent, [event])
    for key, value in values.items():  # the row now holds these: no reload of the snapshot
        set_committed_value(case, key, value)


def commit_step(
    rt: Runtime,
    session: Session,
    case: CaseRow,
    run: CaseRun,
    report: StepReport,
    event_type: str,
    actor: str | None,
    payload: dict[str, Any],
    *,
    completed: str | None = None,
    open_tasks: list[HumanTask] | None = None,
) -> None:
    """Apply a step's effects and write snapshot, event and projections under the case's version."""
    assert case.id is not None  # noqa: S101 - persisted
    rt = rt.pinned(run.deployment)
    now = rt.now()
    figures = dict(case.figures)
    for key in FIGURES:
        if key in report.data:
            figures[key] = report.data[key]
    if completed == "subsidy_claim":
        figures["claims_filed"] = int(figures.get("claims_filed", 0)) + 1
    decisions = _decisions(run, report)
    if decisions:  # the payload is hashed with the event: the table's version, inputs and output kept
        payload = {**payload, "decisions": decisions}
    _apply_effects(rt, session, case, report, figures, payload, now)
    view = run.view()
    status = derive_status(view, figures)
    snapshot = run.snapshot()
    digest = run.digest(snapshot)
    if rt.check_roundtrip:
        _check_roundtrip(rt, run, snapshot, digest)
    values: dict[str, Any] = {
        "status": status,
        "figures": figures,
        "snapshot": snapshot,
        "digest": digest,
        "updated_at": now,
        "opening_approved": case.opening_approved or report.data.get("opening_outcome") == "approved",
    }
    sealed = {**payload, "state": integrity.seal(case, values)}
    event = event_log.event_values(
        case.id, (case.event_seq, case.head_hash), event_type, actor, sealed, now, digest
    )
    values.update(event_seq=event["seq"], head_hash=event["hash"])
    new_case = case.event_seq == 1 and completed == "opening_application"
    _write_case(session, case, values, event)
    rt.hot.keep(case, run, snapshot, rt.clock)  # taken by the next command only if the row still holds it
    open_tasks = open_tasks if open_tasks is not None else projections.open_human_tasks(session, case.id)
    outbox.enqueue_for_step(  # in this transaction: a refused command enqueues nothing
        session, case, event_type, completed, payload, report, view, open_tasks, now,
        due=lambda key: projections.due_at(rt, case.start_date, key, figures),
    )  # fmt: skip
    projections.sync(
        rt, session, case.id, case.start_date, view, figures, completed, actor, now,
        timers_before=None if new_case else run.timers_before, open_tasks=open_tasks,
    )  # fmt: skip


# The decision tables a step may evaluate: the businessRuleTask → (table, DMN file, inputs, outputs).
DECISIONS = {
    "subsidy_standard_lookup": ("subsidy_standard", "decisions/subsidy_standard.dmn", ("level",), ("standard_yuan",)),
}  # fmt: skip


def _decisions(run: CaseRun, report: StepReport) -> list[dict[str, Any]]:
    """Each DMN evaluation of the step: table, version (deployment id + file sha256), inputs, output."""
    found: list[dict[str, Any]] = []
    for task, (table, file, inputs, outputs) in DECISIONS.items():
        if task in report.ran:
            body = run.deployment.files.get(file, b"")
            found.append(
                {
                    "table": table,
                    "version": {
                        "deployment": run.deployment.id,
                        "file": file,
                        "sha256": sha256(body).hexdigest(),
                    },
                    "inputs": {key: report.data.get(key) for key in inputs},
                    "output": {key: report.data.get(key) for key in outputs},
                }
            )
    return found


class RoundTripMismatch(AssertionError):
    """A snapshot that does not reload to the same state: a serializer or engine fault."""


def _check_roundtrip(rt: Runtime, run: CaseRun, snapshot: str, digest: str) -> None:
    again = CaseRun.load(run.deployment, snapshot, run.deployment.environment, rt.clock)
    if again.snapshot() != snapshot or again.digest() != digest:
        raise RoundTripMismatch("engine snapshot did not round-trip to the same state")


def _apply_effects(
    rt: Runtime,
    session: Session,
    case: CaseRow,
    report: StepReport,
    figures: dict[str, Any],
    payload: dict[str, Any],
    now: datetime,
) -> None:
    assert case.id is not None  # noqa: S101 - persisted
    ran = set(report.ran)
    for timer in report.fired:
        if timer.spec_id.startswith("sla_"):
            rule = timer.spec_id.removeprefix("sla_")
            exists = session.exec(
                select(SlaBreach).where(
                    SlaBreach.case_id == case.id, SlaBreach.rule == rule, SlaBreach.due == timer.due
                )
            ).first()
            if exists is None:
                session.add(SlaBreach(case_id=case.id, rule=rule, due=timer.due))
    if "suspend_institution" in ran:
        # 004 三(三): satisfaction below the minimum suspends the institution until rectified.
        set_institution_status(session, case.institution, InstitutionStatus.SUSPENDED, "满意度低于标准", now)
    if "blacklist_institution" in ran:
        # 003 (十), 000 五: fraud black-lists the institution.
        set_institution_status(session, case.institution, InstitutionStatus.BLACKLISTED, "骗取补贴", now)
        figures["outcome"] = "stopped"
        _cancel_pending_payment(session, case)
    if "publish_notice" in ran:
        session.add(
            Notice(
                case_id=case.id,
                start=date.fromisoformat(figures["notice_start"]),
                end=date.fromisoformat(figures["notice_end"]),
                amount_fen=int(figures.get("amount_fen") or 0),
                published_at=now,
            )
        )
    if "disbursement" in ran:
        _order_payment(session, case, figures, payload, now)


def payment_key(case_id: int) -> str:
    """The idempotency key of a case's one payment (ARCHITECTURE "Money and payment")."""
    return f"subsidyflow-case-{case_id}-payment"


def _cancel_pending_payment(session: Session, case: CaseRow) -> None:
    """A stopped case pays nothing more: a payment still waiting for a retry is cancelled."""
    payment = session.exec(
        select(Payment).where(Payment.case_id == case.id, Payment.status == "pending")
    ).first()
    if payment is not None:
        payment.status = "cancelled"
        payment.next_attempt_at = None
        session.add(payment)


def _order_payment(
    session: Session, case: CaseRow, figures: dict[str, Any], payload: dict[str, Any], now: datetime
) -> None:
    """Decide to pay: one payment row per case, keyed for idempotency (ARCHITECTURE "Money and payment")."""
    if session.exec(select(Payment).where(Payment.case_id == case.id)).first() is not None:
        return
    engine = payload.get("engine", {})
    payee_name, bank_name, bank_account = _payee(session, case, now)
    session.add(
        Payment(
            case_id=case.id,  # type: ignore[arg-type]
            idempotency_key=payment_key(case.id),  # type: ignore[arg-type]
            amount_fen=int(figures.get("amount_fen") or 0),
            fund_source=str(engine.get("fund_source", "")),
            status="pending",
            next_attempt_at=now,
            payee_kind=case.applicant_kind,
            payee_name=payee_name,
            bank_name=bank_name,
            bank_account=bank_account,
        )
    )


PAYEE_FIELDS = ("bank_name", "bank_account")  # what ordering a payment reads of the application


def _payee(session: Session, case: CaseRow, now: datetime) -> tuple[str, str, str]:
    """Name, bank and account of the payee, from the case's latest valid opening application.

    004 (三)4: 由个人、企业或培训机构申领 (001: 直补企业) — an institution or an enterprise is paid under
    the name the application gives; an individual applicant is the roster's one trainee, paid to the
    account of the application.
    """
    events = session.exec(
        select(CaseEvent.payload)
        .where(CaseEvent.case_id == case.id, CaseEvent.type == "task_completed")
        .order_by(col(CaseEvent.seq).desc())
    )
    filed = next((p for p in events if p.get("task") == "opening_application"), {})
    # finance orders the payment: the account is read back from the vault, the read recorded. Only the
    # payment's fields are revealed (个人信息保护法 第六条, the minimum necessary): not the roster's
    # names, ID numbers and phones, which paying does not need.
    wanted = {k: v for k, v in dict(filed.get("form") or {}).items() if k in PAYEE_FIELDS}
    form = readable_form(session, {"form": wanted}, "系统", "finance", "拨付补贴", case_id=case.id, at=now)
    name = case.institution
    if case.applicant_kind == "individual":
        trainee = session.exec(
            select(RosterEntry.name).where(RosterEntry.case_id == case.id).order_by(col(RosterEntry.position))
        ).first()
        name = trainee if trainee is not None else name
    return name, str(form.get("bank_name", "")), str(form.get("bank_account", ""))
