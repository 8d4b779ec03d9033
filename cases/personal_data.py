"""Reading the personal values of a logged form: whole for the roles that need them, each read recorded.

An event's form carries ``{"$pd": ref}`` where a personal value was (store/personal.py). A role that
needs the values (the reviewers, the approver, the inspector, finance, the auditor, and the case's
own applicant) gets them back, and every value it gets is recorded as read by that person; anyone
else gets them masked, unrecorded. A value erased after its retention period reads as
``ERASED`` for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from domain.calendar import SHANGHAI
from domain.masking import mask_name
from domain.vocab import Role
from store import personal
from store.personal_tables import PersonalData
from store.tables import CaseEvent, CaseRow, Payment, RosterEntry

ERASED = "（已按保存期限删除）"
# the roles whose work needs the whole values (the applicant only on their own case)
NEEDS_PERSONAL = frozenset(
    {Role.REVIEWER, Role.RECHECKER, Role.APPROVER, Role.INSPECTOR, Role.FINANCE, Role.AUDITOR}
)
_ID_KEEP, _PHONE_HEAD, _TAIL = 4, 3, 4


def mask(kind: str, value: str) -> str:
    """A value as shown to a role that does not need it: 4108**********0118, 138****0001, ****0001, 张*."""
    if kind in ("name", "contact_name"):
        return mask_name(value)
    head = {"id_number": _ID_KEEP, "phone": _PHONE_HEAD, "contact_phone": _PHONE_HEAD}.get(kind, 0)
    if len(value) <= head + _TAIL:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - _TAIL) + value[-_TAIL:]


def may_read(session: Session, reader: str, role: str, case_id: int | None) -> bool:
    """Whether this person, in this role, reads personal values whole (an applicant: their own case)."""
    if role in NEEDS_PERSONAL:
        return True
    if role == Role.APPLICANT and case_id is not None:
        case = session.get(CaseRow, case_id)
        return case is not None and case.applicant == reader
    return False


def _kinds(session: Session, refs: list[str]) -> dict[str, str]:
    """The kind of each stored value (id_number, phone, …), to mask it as its kind is masked."""
    stmt = select(PersonalData.ref, PersonalData.kind).where(col(PersonalData.ref).in_(sorted(set(refs))))
    return {str(ref): str(kind) for ref, kind in session.exec(stmt)}


def _fill(value: Any, shown: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        if set(value) == {personal.PD}:
            return shown.get(str(value[personal.PD]), ERASED)
        return {k: _fill(v, shown) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, shown) for v in value]
    return value


def readable_form(
    session: Session,
    payload: Mapping[str, Any],
    reader: str,
    role: str,
    purpose: str,
    *,
    case_id: int | None,
    at: datetime,
) -> dict[str, Any]:
    """The event's form with its personal values whole (reads recorded) or masked, as the role may see."""
    form = payload.get("form")
    if not isinstance(form, Mapping):
        return {}
    refs = personal.refs_in(form)
    if not refs:
        return dict(form)
    values = personal.reveal(session, refs)
    if may_read(session, reader, role, case_id):
        present = [r for r in refs if values.get(r) is not None]
        personal.record_reads(
            session, present, reader=reader, role=role, purpose=purpose, case_id=case_id, at=at
        )
        shown = {r: v for r, v in values.items() if v is not None}
    else:
        kinds = _kinds(session, refs)
        shown = {r: mask(kinds.get(r, ""), v) for r, v in values.items() if v is not None}
    return dict(_fill(form, shown))


def printed_form(session: Session, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The form with its values back for a document, which prints them masked (not a read by a person)."""
    form = payload.get("form")
    if not isinstance(form, Mapping):
        return {}
    refs = personal.refs_in(form)
    if not refs:
        return dict(form)
    shown = {r: v for r, v in personal.reveal(session, refs).items() if v is not None}
    return dict(_fill(form, shown))


# the statuses of a closed case: its personal data is kept for the retention period after it closed
CLOSED = ("paid", "rejected", "cancelled", "stopped")


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure cleared (or would clear): the closed cases and how many stored values."""

    cases: tuple[int, ...]
    values: int


def retention_cutoff(today: date, years: int) -> date:
    """The latest day a case may have closed for its personal data to be erased today."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _refs_by_case(session: Session) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    stmt = select(CaseEvent.case_id, CaseEvent.payload).where(CaseEvent.type == "task_completed")
    for case_id, payload in session.exec(stmt):
        form = payload.get("form") if isinstance(payload, Mapping) else None
        found.setdefault(case_id, set()).update(personal.refs_in(form))
    return found


def erase_closed(session: Session, before: date, at: datetime, *, dry_run: bool = False) -> Erasure:
    """Erase the personal data of the cases closed before ``before`` (a value another case still
    names is kept); their roster lines and payment lose theirs too. The log is not touched: every
    reference stays, every chain verifies."""
    since = datetime.combine(before, time(), SHANGHAI)
    closed = session.exec(
        select(CaseRow.id).where(col(CaseRow.status).in_(CLOSED), col(CaseRow.updated_at) < since)
    )
    cases = tuple(sorted(c for c in closed if c is not None))
    by_case = _refs_by_case(session)
    kept = {r for case_id, refs in by_case.items() if case_id not in cases for r in refs}
    refs = {r for case_id in cases for r in by_case.get(case_id, set())} - kept
    if dry_run:
        stored = personal.reveal(session, refs)
        return Erasure(cases, sum(v is not None for v in stored.values()))
    values = personal.erase(session, refs, at)
    for row in session.exec(select(RosterEntry).where(col(RosterEntry.case_id).in_(cases))):
        row.name, row.id_number, row.phone = ERASED, ERASED, ERASED  # the ref stays: look-ups still count
        session.add(row)
    for payment in session.exec(select(Payment).where(col(Payment.case_id).in_(cases))):
        payment.bank_account = ""
        if payment.payee_kind == "individual":
            payment.payee_name = ERASED
        session.add(payment)
    return Erasure(cases, values)
