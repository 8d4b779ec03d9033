"""Cases played through the lifecycle for the page tests (the dates of scenarios/examples/01_happy_path.yaml)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session
from tests_support import application

from bpmn.clock import VirtualClock
from cases.case_events import fire_timers
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from domain.calendar import SHANGHAI
from store.catalogue import ensure_user

STAFF = (("sun", "inspector"), ("qian", "finance"), ("root", "admin"), ("zhao", "approver"))

_STEPS: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    ("2026-03-03T10:00", "wang", "reviewer", "opening_first_review", {"decision": "approve", "comment": "齐全"}),
    ("2026-03-04T10:00", "zhao", "rechecker", "opening_recheck", {"decision": "approve", "comment": "同意"}),
    ("2026-03-05T10:00", "sun", "approver", "opening_approval", {"decision": "approve", "comment": "同意开班"}),
    ("2026-03-09T09:30", "sun", "inspector", "opening_day_check",
     {"actual_count": 3, "sign_in": "face", "materials_kept": True}),
    ("2026-03-25T15:00", "sun", "inspector", "spot_check",
     {"date": "2026-03-25", "place": "实训车间2", "teachers_present": 2, "attendance": 3}),
    ("2026-04-17T09:00", "jyjs", "applicant", "assessment_request", {"date": "2026-04-21", "kinds": ["职业技能等级认定"]}),
    ("2026-04-21T17:00", "sun", "inspector", "assessment_result",
     {"results": [{"kind": "职业技能等级认定", "participants": 3, "certified": 3}], "satisfaction_pct": 96}),
    ("2026-04-27T10:00", "jyjs", "applicant", "subsidy_claim", {"claimed_count": 3, "commitment": True}),
    ("2026-04-28T10:00", "wang", "reviewer", "claim_first_review", {"decision": "approve", "comment": "核实"}),
    ("2026-04-29T10:00", "zhao", "rechecker", "claim_recheck", {"decision": "approve", "comment": "同意公示"}),
)  # fmt: skip
STAGES = {step[3]: i for i, step in enumerate(_STEPS)}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def add_staff(rt: Runtime, password_hash: str) -> None:
    """The roles the web conftest lacks: inspector, finance, admin (and sun approves, zhao rechecks)."""
    from web.accounts import set_password

    with Session(rt.db) as session:
        for user, role in STAFF:
            ensure_user(session, user, role)
            set_password(session, user, password_hash)
        ensure_user(session, "sun", "approver")
        ensure_user(session, "zhao", "rechecker")
        session.commit()


def file_case(rt: Runtime, seed: str = "pages", **overrides: object) -> int:
    """A valid opening application filed by jyjs on 2026-03-02 (three trainees)."""
    assert isinstance(rt.clock, VirtualClock)
    outcome = submit_task(
        rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
        data=application(seed, **overrides),
    )  # fmt: skip
    assert outcome.ok and outcome.case_id is not None, outcome
    return outcome.case_id


def play_until(rt: Runtime, case_id: int, stop_before: str | None = None) -> None:
    """Play the case's steps in order, up to (not including) ``stop_before``; all of them when None."""
    clock = rt.clock
    assert isinstance(clock, VirtualClock)
    for at, user, role, task, data in _STEPS[: STAGES[stop_before] if stop_before else None]:
        clock.move_to(_at(at))
        fire_timers(rt, case_id)
        outcome = submit_task(rt, case_id=case_id, actor=Actor(user, role), task_key=task, data=data)
        assert outcome.ok, (task, outcome)
