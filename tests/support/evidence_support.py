"""Evidence tests: sample files of each type, and a case played up to a task that takes evidence."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session
from tests_support import application

from bpmn.clock import VirtualClock
from cases.case_events import fire_timers
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import SHANGHAI
from store.catalogue import ensure_user

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
TEXT = "签到表\n张三 08:01\n李四 08:03\n".encode()
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"

USERS = (("jyjs", "applicant"), ("other", "applicant"), ("wang", "reviewer"), ("zhao", "rechecker"),
         ("sun", "approver"), ("sun", "inspector"), ("qian", "finance"))  # fmt: skip

STEPS: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    ("2026-03-03T10:00", "wang", "reviewer", "opening_first_review", {"decision": "approve", "comment": "齐全"}),
    ("2026-03-04T10:00", "zhao", "rechecker", "opening_recheck", {"decision": "approve", "comment": "同意"}),
    ("2026-03-05T10:00", "sun", "approver", "opening_approval", {"decision": "approve", "comment": "同意开班"}),
)  # fmt: skip
OPENING_DAY = datetime(2026, 3, 9, 9, 30, tzinfo=SHANGHAI)
OPENING_DAY_CHECK = {"actual_count": 3, "sign_in": "face", "materials_kept": True}


def xlsx() -> bytes:
    """A real XLSX workbook (a sign-in sheet)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "签到时间"])
    sheet.append(["张三", "08:01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed(rt: Runtime) -> None:
    """The demo catalogue and the users of the play."""
    with Session(rt.db) as session:
        seed_demo_catalogue(session)
        for user, role in USERS:
            ensure_user(session, user, role)
        session.commit()


def case_at_opening_day(rt: Runtime, seed_text: str = "evidence") -> int:
    """A case filed by jyjs and approved, on its opening day: the opening-day check is ready."""
    return cases_at_opening_day(rt, seed_text)[0]


def cases_at_opening_day(rt: Runtime, *seeds: str) -> list[int]:
    """Cases filed by jyjs (one per seed) on 2026-03-02 and approved, on their opening day."""
    clock = rt.clock
    assert isinstance(clock, VirtualClock)
    ids = []
    for seed_text in seeds:
        outcome = submit_task(
            rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
            data=application(seed_text),
        )  # fmt: skip
        assert outcome.ok and outcome.case_id is not None, outcome
        ids.append(outcome.case_id)
    for at, user, role, task, data in STEPS:
        clock.move_to(datetime.fromisoformat(at).replace(tzinfo=SHANGHAI))
        for case_id in ids:
            fire_timers(rt, case_id)
            done = submit_task(rt, case_id=case_id, actor=Actor(user, role), task_key=task, data=data)
            assert done.ok, (task, done)
    clock.move_to(OPENING_DAY)
    for case_id in ids:
        fire_timers(rt, case_id)
    return ids
