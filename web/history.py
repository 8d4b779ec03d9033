"""A case's earlier decisions: its completed tasks from the event log, with who decided and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from cases.runtime import Runtime
from domain.calendar import SHANGHAI
from forms.task_definitions import TASKS
from store.tables import CaseEvent

_TITLES = {t.id: t.title for t in TASKS}
_SHOWN = (
    "decision",
    "comment",
    "actual_count",
    "attendance",
    "claimed_count",
    "fund_source",
    "certified_total",
)


@dataclass(frozen=True, slots=True)
class Decision:
    """One completed task of a case, as the next reviewer reads it."""

    seq: int
    task_key: str
    title: str
    actor: str | None
    role: str
    at: datetime
    decision: str | None
    comment: str
    figures: tuple[tuple[str, str], ...]  # a few telling form values (counts, fund source)


def decisions(rt: Runtime, case_id: int) -> list[Decision]:
    """The case's completed tasks in order (events of type task_completed)."""
    with rt.session() as session:
        events = session.exec(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.type == "task_completed")
            .order_by(col(CaseEvent.seq))
        ).all()
    found = []
    for event in events:
        payload = event.payload
        form = payload.get("form") or {}
        key = str(payload.get("task", ""))
        decision = form.get("decision")
        figures = tuple((k, str(form[k])) for k in _SHOWN[2:] if k in form)
        found.append(
            Decision(
                event.seq,
                key,
                _TITLES.get(key, key),
                event.actor,
                str(payload.get("role", "")),
                event.at.astimezone(SHANGHAI),
                str(decision) if decision else None,
                str(form.get("comment") or ""),
                figures,
            )  # fmt: skip
        )
    return found
