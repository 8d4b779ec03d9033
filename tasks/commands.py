"""Case commands: a human task completed, an objection or a fraud report filed, a timer fired.

Each command checks role, ownership, four-eyes, the form and the rules, then runs the engine
step and writes the new snapshot, the event and every projection in one transaction: a
refused or failed command leaves the case exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bpmn.engine import CaseRun, NoSuchTask, StepReport
from domain.calendar import CalendarMissing
from domain.errors import ErrorCode, Refused, Violation
from domain.records import OpeningApplication
from domain.vocab import InstitutionStatus, Role
from forms.validator import validate
from store import event_log
from store.catalogue import ensure_user, set_institution_status
from store.tables import CaseEvent, CaseRow, Notice, Objection, Payment, RosterEntry, SlaBreach
from tasks import projections, rules
from tasks.runtime import Runtime
from tasks.status import derive_status

# The lane (role) of each human task of the shipped lifecycle (scenarios/README.md).
TASK_ROLES: dict[str, Role] = {
    "opening_application": Role.APPLICANT,
    "opening_first_review": Role.REVIEWER,
    "opening_recheck": Role.RECHECKER,
    "opening_approval": Role.APPROVER,
    "opening_day_check": Role.INSPECTOR,
    "spot_check": Role.INSPECTOR,
    "assessment_request": Role.APPLICANT,
    "assessment_result": Role.INSPECTOR,
    "subsidy_claim": Role.APPLICANT,
    "claim_first_review": Role.REVIEWER,
    "claim_recheck": Role.RECHECKER,
    "objection_investigation": Role.REVIEWER,
    "payment_approval": Role.APPROVER,
    "disbursement": Role.FINANCE,
    "recovery": Role.FINANCE,
}
# Four eyes: the recheck must be done by another person than the first review (LIFECYCLE.md actors).
FOUR_EYES = {"opening_recheck": "opening_first_review", "claim_recheck": "claim_first_review"}
FIGURES = (
    "opening_count", "attendance_base", "certified", "eligible", "amount_fen", "base_fen",
    "performance_fen", "notice_start", "notice_end", "outcome", "claim_date",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and in which of their roles."""

    user: str
    role: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """A command's answer: accepted (with the case) or refused (with violations in form order)."""

    ok: bool
    case_id: int | None
    errors: tuple[Violation, ...] = ()


class CaseConflict(RuntimeError):
    """Another command changed the case first: reload and try again."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"案件 {case_id} 已被他人同时修改，请刷新后重试")
        self.case_id = case_id


def _refuse(code: ErrorCode, message: str, field: str | None = None) -> Refused:
    return Refused([Violation(code, field, message)])


def submit_task(
    rt: Runtime, *, case_id: int | None, actor: Actor, task_key: str, data: Mapping[str, Any], label: str = ""
) -> Outcome:
    """Complete a human task (or file a new opening application when ``case_id`` is None)."""
    with rt.session() as session:
        try:
            new_id = _submit(rt, session, case_id, actor, task_key, data, label)
        except Refused as refused:
            session.rollback()
            return Outcome(False, case_id, refused.violations)
        session.commit()
        return Outcome(True, new_id)


def _submit(
    rt: Runtime,
    session: Session,
    case_id: int | None,
    actor: Actor,
    task_key: str,
    data: Mapping[str, Any],
    label: str,
) -> int:
    case = session.get(CaseRow, case_id) if case_id is not None else None
    run = _check_access(rt, session, case, actor, task_key)
    form = validate(task_key, data)
    if not form.ok or form.value is None:
        raise Refused(form.errors)
    try:
        violations = rules.check(rt, session, case, task_key, form.value)
    except CalendarMissing as missing:
        raise _refuse(ErrorCode.CALENDAR_MISSING, str(missing)) from missing
    if violations:
        raise Refused(violations)
    engine_data = rules.engine_data(session, case, task_key, form.value, rt.today(), actor.user)
    if case is None:
        assert isinstance(form.value, OpeningApplication)  # noqa: S101 - task_key checked above
        case, run = _create_case(rt, session, form.value, actor, label, engine_data)
    assert run is not None and case.id is not None  # noqa: S101 - both set on either path
    if isinstance(form.value, OpeningApplication):
        _replace_roster(session, case, form.value)
    try:
        report = run.complete(task_key, engine_data)
    except CalendarMissing as missing:
        raise _refuse(ErrorCode.CALENDAR_MISSING, str(missing)) from missing
    except NoSuchTask as missing:
        raise _refuse(ErrorCode.NO_SUCH_TASK, f"该案件当前没有待办的「{task_key}」任务") from missing
    payload = {"task": task_key, "role": actor.role, "form": _plain(data), "engine": engine_data}
    _commit_step(rt, session, case, run, report, "task_completed", actor.user, payload, completed=task_key)
    return case.id


def _check_access(
    rt: Runtime, session: Session, case: CaseRow | None, actor: Actor, task_key: str
) -> CaseRun | None:
    """Role, ownership, the task being open, claims and four eyes: checked on the server, in that order."""
    role = TASK_ROLES.get(task_key)
    if role is None:
        raise _refuse(ErrorCode.NO_SUCH_TASK, f"流程中没有任务 {task_key}")
    user = ensure_user(session, actor.user)
    if actor.role != role.value or actor.role not in user.roles:
        raise _refuse(ErrorCode.FORBIDDEN, f"「{task_key}」须由 {role.value} 角色办理，您当前的角色无权办理")
    if case is None:
        if task_key != "opening_application":
            raise _refuse(ErrorCode.NO_SUCH_TASK, "该案件尚未提交有效的开班申请，没有可办理的任务")
        return None
    if role is Role.APPLICANT and case.applicant != actor.user:
        raise _refuse(ErrorCode.FORBIDDEN, "这不是您提交的案件，无权办理")
    run = rt.load_run(session, case)
    if task_key not in {t.key for t in run.view().ready}:
        raise _refuse(ErrorCode.NO_SUCH_TASK, f"该案件当前没有待办的「{task_key}」任务")
    holder = projections.claimed_by(session, case.id, task_key)
    if holder is not None and holder != actor.user:
        raise _refuse(ErrorCode.FORBIDDEN, f"该任务已由 {holder} 认领，请其退回后再办理")
    if (
        task_key in FOUR_EYES
        and projections.last_completed_by(session, case.id, FOUR_EYES[task_key]) == actor.user
    ):
        raise _refuse(ErrorCode.FOUR_EYES, "复核人不能与初审人相同，请由另一位复核人办理")
    return run


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in data.items()}


def _create_case(
    rt: Runtime,
    session: Session,
    app: OpeningApplication,
    actor: Actor,
    label: str,
    engine_data: Mapping[str, Any],
) -> tuple[CaseRow, CaseRun]:
    rt.record_deployment(session)
    now = rt.now()
    run, _ = CaseRun.start(rt.deployment, rt.environment(), rt.clock, engine_data)
    case = CaseRow(
        label=label or app.batch,
        deployment_id=rt.deployment.id,
        process_id="subsidy_lifecycle",
        applicant=actor.user,
        institution=app.institution,
        occupation=app.occupation,
        level=app.level.value,
        batch=app.batch,
        start_date=app.start_date,
        end_date=app.end_date,
        planned_count=app.planned_count,
        status="draft",
        figures={},
        snapshot=run.snapshot(),
        digest=run.digest(),
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    assert case.id is not None  # noqa: S101 - flushed
    _log(session, case, "case_created", actor.user, {"start": engine_data}, now, case.digest)
    return case, run


def _log(
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
    event = event_log.new_event(case.id, (case.event_seq, case.head_hash), type_, actor, payload, at, digest)
    _write_case(session, case, {"event_seq": event.seq, "head_hash": event.hash}, event)


def _write_case(session: Session, case: CaseRow, values: dict[str, Any], event: CaseEvent) -> None:
    """Write the case row under its version (a lost race raises CaseConflict), then its event."""
    assert case.id is not None  # noqa: S101 - persisted
    values = {**values, "version": case.version + 1}
    session.flush()
    result = session.execute(
        update(CaseRow)
        .where(col(CaseRow.id) == case.id, col(CaseRow.version) == case.version)
        .values(**values)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise CaseConflict(case.id)
    # The version check above holds the case's row: the event's sequence number is ours alone.
    session.add(event)
    for key, value in values.items():  # the row now holds these: no reload of the snapshot
        set_committed_value(case, key, value)


def _replace_roster(session: Session, case: CaseRow, app: OpeningApplication) -> None:
    session.execute(delete(RosterEntry).where(col(RosterEntry.case_id) == case.id))
    assert case.id is not None  # noqa: S101 - persisted
    rows = [
        {
            "case_id": case.id,
            "position": i,
            "name": t.name,
            "id_number": t.id_number,
            "phone": t.phone,
            "group": t.group,
        }
        for i, t in enumerate(app.roster)
    ]
    session.execute(insert(RosterEntry), rows)

    case.institution, case.occupation, case.level = app.institution, app.occupation, app.level.value
    case.batch, case.start_date, case.end_date = app.batch, app.start_date, app.end_date
    case.planned_count = app.planned_count


def _commit_step(
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
) -> None:
    """Apply a step's effects and write snapshot, event and projections under the case's version."""
    assert case.id is not None  # noqa: S101 - persisted
    now = rt.now()
    figures = dict(case.figures)
    for key in FIGURES:
        if key in report.data:
            figures[key] = report.data[key]
    if completed == "subsidy_claim":
        figures["claims_filed"] = int(figures.get("claims_filed", 0)) + 1
    _apply_effects(rt, session, case, report, figures, payload, now)
    view = run.view()
    status = derive_status(view, figures)
    snapshot = run.snapshot()
    digest = run.digest(snapshot)
    if rt.check_roundtrip:
        _check_roundtrip(rt, run, snapshot, digest)
    event = event_log.new_event(
        case.id, (case.event_seq, case.head_hash), event_type, actor, payload, now, digest
    )
    values = {
        "event_seq": event.seq,
        "head_hash": event.hash,
        "status": status,
        "figures": figures,
        "snapshot": snapshot,
        "digest": digest,
        "updated_at": now,
        "opening_approved": case.opening_approved or report.data.get("opening_outcome") == "approved",
        "institution": case.institution,
        "occupation": case.occupation,
        "level": case.level,
        "batch": case.batch,
        "start_date": case.start_date,
        "end_date": case.end_date,
        "planned_count": case.planned_count,
    }
    new_case = case.event_seq == 1 and completed == "opening_application"
    _write_case(session, case, values, event)
    projections.sync(
        rt, session, case.id, case.start_date, view, figures, completed, actor, now,
        timers_before=None if new_case else run.timers_before,
    )  # fmt: skip


class RoundTripMismatch(AssertionError):
    """A snapshot that does not reload to the same state: a serializer or engine fault."""


def _check_roundtrip(rt: Runtime, run: CaseRun, snapshot: str, digest: str) -> None:
    again = CaseRun.load(run.deployment, snapshot, rt.environment(), rt.clock)
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
    session.add(
        Payment(
            case_id=case.id,  # type: ignore[arg-type]
            idempotency_key=f"subsidyflow-case-{case.id}-payment",
            amount_fen=int(figures.get("amount_fen") or 0),
            fund_source=str(engine.get("fund_source", "")),
            status="pending",
            next_attempt_at=now,
        )
    )


def deliver_message(
    rt: Runtime, session: Session, case: CaseRow, message: str, payload: Mapping[str, Any], actor: str | None
) -> bool:
    """Deliver a message to the case's workflow inside the caller's transaction; False if none waits."""
    run = rt.load_run(session, case)
    caught, report = run.deliver(message, payload)
    if caught:
        event_payload = {"message": message, "payload": dict(payload)}
        _commit_step(rt, session, case, run, report, f"message:{message}", actor, event_payload)
    elif report.ran:
        _commit_step(rt, session, case, run, report, "timers_fired", None, {"at": rt.now().isoformat()})
    return caught


def file_objection(rt: Runtime, *, case_id: int, data: Mapping[str, Any]) -> Outcome:
    """Anyone files an objection during the public notice (004 (三)4)."""
    form = validate("objection", data)
    if not form.ok:
        return Outcome(False, case_id, form.errors)
    closed = Outcome(
        False, case_id, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件不在公示期内，不受理异议"),)
    )
    with rt.session() as session:
        case = session.get(CaseRow, case_id)
        if case is None or case.status not in ("notice", "investigation"):
            return closed
        text = str(data.get("text", ""))
        if not deliver_message(rt, session, case, "objection", {"text": text}, None):
            session.refresh(case)
            if case.status != "investigation":
                session.commit()  # keep the timers that fired: the notice had closed
                return closed
            # An investigation is already open: the objection is recorded and joins it.
            _log(session, case, "objection_joined", None, {"text": text}, rt.now(), case.digest)
        notice = projections.latest_notice(session, case_id)
        assert notice is not None and notice.id is not None  # noqa: S101 - a notice is open
        session.add(Objection(case_id=case_id, notice_id=notice.id, text=text, filed_at=rt.now()))
        session.commit()
    return Outcome(True, case_id)


def report_fraud(rt: Runtime, *, case_id: int, actor: Actor, data: Mapping[str, Any]) -> Outcome:
    """Fraud found at any stage stops the case and black-lists the institution (003 (十), 000 五)."""
    if actor.role not in (Role.INSPECTOR.value, Role.APPROVER.value):
        return Outcome(
            False, case_id, (Violation(ErrorCode.FORBIDDEN, None, "只有检查人员或人社审核人可以认定骗补"),)
        )
    form = validate("fraud", data)
    if not form.ok:
        return Outcome(False, case_id, form.errors)
    with rt.session() as session:
        user = ensure_user(session, actor.user)
        case = session.get(CaseRow, case_id)
        if actor.role not in user.roles:
            return Outcome(False, case_id, (Violation(ErrorCode.FORBIDDEN, None, "您没有该角色"),))
        if case is None or case.status in ("stopped", "rejected", "cancelled"):
            return Outcome(
                False, case_id, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件已结束，不能再认定骗补"),)
            )
        payload = {"reason": str(data.get("reason", ""))}
        if case.status == "paid":
            _start_recovery(rt, session, case, actor.user, payload)
        elif not deliver_message(rt, session, case, "fraud", payload, actor.user):
            return Outcome(
                False, case_id, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件当前不能认定骗补"),)
            )
        session.commit()
    return Outcome(True, case_id)


def _start_recovery(
    rt: Runtime, session: Session, case: CaseRow, actor: str, payload: dict[str, Any]
) -> None:
    """A paid case found fraudulent: black-list and open the recovery of the money (fraud_recovery)."""
    data = {"institution": case.institution, "amount_fen": case.figures.get("amount_fen"), **payload}
    run, report = CaseRun.start(rt.deployment, rt.environment(), rt.clock, data, process_id="fraud_recovery")
    _commit_step(rt, session, case, run, report, "fraud_recovery_started", actor, {**payload, "start": data})


def fire_timers(rt: Runtime, case_id: int) -> bool:
    """Fire the case's due timers (the timer sweep's step); False when nothing was due."""
    with rt.session() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            return False
        run = rt.load_run(session, case)
        report = run.fire_due_timers()
        if not report.ran:
            return False
        fired = [{"timer": t.spec_id, "due": t.due.isoformat()} for t in report.fired]
        fired += [{"timer": name} for name in report.ran if name == "notice_wait"]
        _commit_step(
            rt, session, case, run, report, "timers_fired", None, {"fired": fired, "at": rt.now().isoformat()}
        )
        session.commit()
    return True
