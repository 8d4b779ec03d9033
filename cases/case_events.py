"""Case events that are not human tasks: messages (objection, fraud, payment confirmation) and timers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from bpmn.engine import CaseRun
from cases import projections
from cases.commands import Actor, Outcome
from cases.integrity import ensure_intact
from cases.races import RACES, conflict
from cases.runtime import Runtime
from cases.step import commit_step, log_event
from domain.errors import ErrorCode, Refused, Violation
from forms.task_definitions import EVENTS_BY_ID
from forms.validator import validate
from store.catalogue import ensure_user
from store.reads import case_row
from store.tables import CaseRow, Objection


def deliver_message(
    rt: Runtime, session: Session, case: CaseRow, message: str, payload: Mapping[str, Any], actor: str | None
) -> bool:
    """Deliver a message to the case's workflow inside the caller's transaction; False if none waits."""
    run = rt.load_run(session, case)
    caught, report = run.deliver(message, payload)
    if caught:
        event_payload = {"message": message, "payload": dict(payload)}
        commit_step(rt, session, case, run, report, f"message:{message}", actor, event_payload)
    elif report.ran:
        commit_step(rt, session, case, run, report, "timers_fired", None, {"at": rt.now().isoformat()})
    return caught


def file_objection(rt: Runtime, *, case_id: int, data: Mapping[str, Any]) -> Outcome:
    """Anyone files an objection during the public notice (004 (三)4)."""
    form = validate("objection", data)
    if not form.ok:
        return Outcome(False, case_id, form.errors)
    with rt.session() as session:
        try:
            return _file_objection(rt, session, case_id, str(data.get("text", "")))
        except RACES as lost:  # another command changed the case first: nothing of ours is kept
            session.rollback()
            return Outcome(False, case_id, conflict(lost))
        except Refused as refused:  # a quarantined case (integrity) or a refused deployment
            session.rollback()
            return Outcome(False, case_id, refused.violations)


def _file_objection(rt: Runtime, session: Session, case_id: int, text: str) -> Outcome:
    closed = Outcome(
        False, case_id, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件不在公示期内，不受理异议"),)
    )
    case = session.get(CaseRow, case_id)
    if case is None or case.status not in ("notice", "investigation"):
        return closed
    if not deliver_message(rt, session, case, "objection", {"text": text}, None):
        session.refresh(case)
        if case.status != "investigation":
            session.commit()  # keep the timers that fired: the notice had closed
            return closed
        # An investigation is already open: the objection is recorded and joins it.
        log_event(session, case, "objection_joined", None, {"text": text}, rt.now(), case.digest)
    notice = projections.latest_notice(session, case_id)
    assert notice is not None and notice.id is not None  # noqa: S101 - a notice is open
    session.add(Objection(case_id=case_id, notice_id=notice.id, text=text, filed_at=rt.now()))
    session.commit()
    return Outcome(True, case_id)


def report_fraud(rt: Runtime, *, case_id: int, actor: Actor, data: Mapping[str, Any]) -> Outcome:
    """Fraud found at any stage stops the case and black-lists the institution (003 (十), 000 五)."""
    if actor.role not in {r.value for r in EVENTS_BY_ID["fraud"].roles}:
        return Outcome(
            False, case_id, (Violation(ErrorCode.FORBIDDEN, None, "只有检查人员或人社审核人可以认定骗补"),)
        )
    form = validate("fraud", data)
    if not form.ok:
        return Outcome(False, case_id, form.errors)
    with rt.session() as session:
        try:
            return _report_fraud(rt, session, case_id, actor, {"reason": str(data.get("reason", ""))})
        except RACES as lost:  # another command changed the case first: nothing of ours is kept
            session.rollback()
            return Outcome(False, case_id, conflict(lost))
        except Refused as refused:  # a quarantined case (integrity) or a refused deployment
            session.rollback()
            return Outcome(False, case_id, refused.violations)


def _report_fraud(
    rt: Runtime, session: Session, case_id: int, actor: Actor, payload: dict[str, Any]
) -> Outcome:
    user = ensure_user(session, actor.user)
    case = session.get(CaseRow, case_id)
    if actor.role not in user.roles:
        return Outcome(False, case_id, (Violation(ErrorCode.FORBIDDEN, None, "您没有该角色"),))
    if case is None or case.status in ("stopped", "rejected", "cancelled"):
        return Outcome(
            False, case_id, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件已结束，不能再认定骗补"),)
        )
    if case.status == "paid":
        _start_recovery(rt, session, case, actor.user, payload)
    elif not deliver_message(rt, session, case, "fraud", payload, actor.user):
        return Outcome(False, case_id, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件当前不能认定骗补"),))
    session.commit()
    return Outcome(True, case_id)


def _start_recovery(
    rt: Runtime, session: Session, case: CaseRow, actor: str, payload: dict[str, Any]
) -> None:
    """A paid case found fraudulent: black-list and open the recovery of the money (fraud_recovery)."""
    ensure_intact(session, case)  # nothing tampered is acted on, a paid case included
    deployment = rt.deployment_of(session, case)  # the recovery runs on the case's own deployment
    data = {"institution": case.institution, "amount_fen": case.figures.get("amount_fen"), **payload}
    run, report = CaseRun.start(
        deployment, deployment.environment, rt.clock, data, process_id="fraud_recovery", trim=rt.trim_finished
    )
    commit_step(
        rt, session, case, run, report, "fraud_recovery_started", actor, {**payload, **run.start_record(data)}
    )


def fire_timers(rt: Runtime, case_id: int) -> bool:
    """Fire the case's due timers (the timer sweep's step); False when nothing was due."""
    with rt.session() as session:
        case = case_row(session, case_id)
        if case is None:
            return False
        run = rt.load_run(session, case)
        report = run.fire_due_timers()
        if not report.ran:
            return False
        fired = [{"timer": t.spec_id, "due": t.due.isoformat()} for t in report.fired]
        fired += [{"timer": name} for name in report.ran if name == "notice_wait"]
        try:
            commit_step(
                rt,
                session,
                case,
                run,
                report,
                "timers_fired",
                None,
                {"fired": fired, "at": rt.now().isoformat()},
            )
            session.commit()
        except RACES as lost:  # a command moved the case meanwhile: its timers are looked at again next sweep
            session.rollback()
            conflict(lost)  # re-raised unless a lost race
            return False
    return True
