"""The applicant's cases: status, the open task and its deadline, the last application to correct.

Working days left come from the open task's ``due_at`` and the business calendar, as in the inbox.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from cases.personal_data import readable_form
from cases.runtime import Runtime
from domain.calendar import SHANGHAI, CalendarMissing
from forms.roster_file import RosterImport, RosterRowError, read_roster
from forms.task_definitions import TASKS
from store.tables import CaseEvent, CaseRow, HumanTask
from web.case_record import status_label

TITLES = {t.id: t.title for t in TASKS}
_OPEN = ("open", "claimed")
MAX_UPLOAD = 2 * 1024 * 1024  # a roster of 50 people is a few KB; 2 MB leaves room for formatting


@dataclass(frozen=True, slots=True)
class MyCase:
    """One of the applicant's cases as their list shows it."""

    id: int
    batch: str
    institution: str
    occupation: str
    level: str
    status: str
    status_label: str
    task_id: int | None  # the applicant's own open task (a link), if any
    task_title: str | None  # the stage waiting now, whoever holds it
    due_at: datetime | None
    working_days_left: int | None
    returned: bool


def _days_left(rt: Runtime, due: datetime | None) -> int | None:
    if due is None:
        return None
    try:
        return rt.calendar.working_days_between(rt.today(), due.astimezone(SHANGHAI).date())
    except CalendarMissing:
        return None


def my_cases(rt: Runtime, username: str) -> list[MyCase]:
    """The applicant's cases, newest first, each with the stage it waits in and that stage's deadline."""
    with rt.session() as session:
        cases = session.exec(
            select(CaseRow).where(CaseRow.applicant == username).order_by(col(CaseRow.id).desc())
        ).all()
        ids = [c.id for c in cases]
        tasks = session.exec(
            select(HumanTask)
            .where(col(HumanTask.case_id).in_(ids), col(HumanTask.status).in_(_OPEN))
            .order_by(col(HumanTask.id))
        ).all()
    found: list[MyCase] = []
    for case in cases:
        assert case.id is not None  # noqa: S101 - persisted
        waiting = [t for t in tasks if t.case_id == case.id]
        mine = next((t for t in waiting if t.role == "applicant"), None)
        shown = mine or (waiting[0] if waiting else None)
        due = shown.due_at if shown else None
        found.append(
            MyCase(
                case.id,
                case.batch,
                case.institution,
                case.occupation,
                case.level,
                case.status,
                status_label(case.status),
                mine.id if mine else None,
                TITLES.get(shown.task_key, shown.task_key) if shown else None,
                due,
                _days_left(rt, due),
                case.status == "returned",
            )  # fmt: skip
        )
    return found


def last_application(rt: Runtime, case_id: int, reader: str | None = None) -> dict[str, Any]:
    """The form of the case's latest opening application, as filed (to correct and file again).

    Read by the case's own applicant (``reader``, default the case's applicant, whom the page checked):
    its personal values come back from the vault, the read recorded.
    """
    with rt.session() as session:
        events = session.exec(
            select(CaseEvent.payload)
            .where(CaseEvent.case_id == case_id, CaseEvent.type == "task_completed")
            .order_by(col(CaseEvent.seq).desc())
        ).all()
        case = session.get(CaseRow, case_id)
        for payload in events:
            if payload.get("task") == "opening_application" and isinstance(payload.get("form"), dict):
                who = reader or (case.applicant if case is not None else "")
                form = readable_form(
                    session, payload, who, "applicant", "更正后重新申请", case_id=case_id, at=rt.now()
                )
                session.commit()
                return form
    return {}


def open_application_task(rt: Runtime, case_id: int) -> HumanTask | None:
    """The case's open opening application (after a return), if there is one."""
    with rt.session() as session:
        return session.exec(
            select(HumanTask).where(
                HumanTask.case_id == case_id,
                HumanTask.task_key == "opening_application",
                col(HumanTask.status).in_(_OPEN),
            )
        ).first()


def read_uploaded_roster(filename: str, content: bytes) -> RosterImport:
    """A roster uploaded as .xlsx or .csv, read with row-level errors (the file never kept)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        message = f"花名册只支持 .xlsx 或 .csv 文件，收到的是 {Path(filename).name or '空文件名'}"
        return RosterImport((), (RosterRowError(None, None, None, message),))
    if len(content) > MAX_UPLOAD:
        return RosterImport(
            (), (RosterRowError(None, None, None, "花名册文件超过 2 MB，请删去多余的格式后重新上传"),)
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"roster{suffix}"
        path.write_bytes(content)
        return read_roster(path)
