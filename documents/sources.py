"""What a case's documents are made of, read once: the row, its events and their forms, the roster,
spot checks, notice, objections, payment, and the latest published root that holds its chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from cases.personal_data import printed_form
from store import event_log
from store.audit_tables import Anchor, AnchorLeaf
from store.tables import CaseEvent, CaseRow, Notice, Objection, Payment, RosterEntry, SpotCheckRow


class NoSuchCase(LookupError):
    """No case with that id."""


@dataclass(frozen=True, slots=True)
class Filed:
    """A form as a task completed it: by whom, when, with which data."""

    event: CaseEvent
    form: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything the documents of one case show."""

    case: CaseRow
    events: tuple[CaseEvent, ...]
    roster: tuple[RosterEntry, ...]
    spot_checks: tuple[SpotCheckRow, ...]
    notice: Notice | None
    objections: tuple[Objection, ...]
    payment: Payment | None
    anchor: Anchor | None  # the latest published root that includes the case
    anchored: AnchorLeaf | None  # the case's head as that root saw it
    # each form with its personal values back from the vault, by event seq (the documents mask them)
    forms: Mapping[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def case_id(self) -> int:
        """The case's id."""
        assert self.case.id is not None  # noqa: S101 - persisted
        return self.case.id

    def filed(self, task: str) -> list[Filed]:
        """Every completion of a task, in order (a returned application is filed again)."""
        return [
            Filed(e, dict(self.forms.get(e.seq, e.payload.get("form") or {})))
            for e in self.events
            if e.type == "task_completed" and e.payload.get("task") == task
        ]

    def last(self, task: str) -> Filed | None:
        """The task's latest completion, if it ran."""
        found = self.filed(task)
        return found[-1] if found else None

    def decisions(self) -> list[tuple[CaseEvent, dict[str, Any]]]:
        """Every decision table evaluated, with the event that recorded it."""
        return [(e, d) for e in self.events for d in e.payload.get("decisions") or ()]


def load(session: Session, case_id: int) -> CaseFile:
    """The case file of ``case_id`` (NoSuchCase if there is none)."""
    case = session.get(CaseRow, case_id)
    if case is None:
        raise NoSuchCase(f"没有案件 {case_id}")
    leaf = session.exec(
        select(AnchorLeaf).where(AnchorLeaf.case_id == case_id).order_by(col(AnchorLeaf.day).desc())
    ).first()
    events = tuple(event_log.events(session, case_id))
    return CaseFile(
        case=case,
        events=events,
        roster=tuple(
            session.exec(
                select(RosterEntry).where(RosterEntry.case_id == case_id).order_by(col(RosterEntry.position))
            )
        ),
        spot_checks=tuple(
            session.exec(
                select(SpotCheckRow)
                .where(SpotCheckRow.case_id == case_id)
                .order_by(col(SpotCheckRow.checked_on), col(SpotCheckRow.id))
            )
        ),
        notice=session.exec(
            select(Notice).where(Notice.case_id == case_id).order_by(col(Notice.id).desc())
        ).first(),
        objections=tuple(
            session.exec(select(Objection).where(Objection.case_id == case_id).order_by(col(Objection.id)))
        ),
        payment=session.exec(select(Payment).where(Payment.case_id == case_id)).first(),
        anchor=session.get(Anchor, leaf.day) if leaf is not None else None,
        anchored=leaf,
        forms={e.seq: printed_form(session, e.payload) for e in events if e.type == "task_completed"},
    )
