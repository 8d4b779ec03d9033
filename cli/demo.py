"""`subsidyflow demo`: the embedded database seeded with the demo, one case told as a timeline."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlmodel import col, select

from cases.runtime import Runtime
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.money import format_wanyuan, format_yuan
from domain.policy import Policy
from forms.task_definitions import CASE_STATUSES, TASKS
from store.catalogue import ensure_user
from store.db import make_engine
from store.migrate import upgrade
from store.tables import CaseEvent, CaseRow, HumanTask, UserRow
from web.accounts import hash_password, set_password

# Each task's stage on the timeline: its definition's title (forms/task_definitions.py).
STAGE: Mapping[str, str] = MappingProxyType({t.id: t.title for t in TASKS})
EVENTS = {
    "case_created": "立案", "timers_fired": "定时事件", "message:payment_confirmed": "到账确认",
    "message:objection": "收到异议", "message:fraud": "认定骗补", "objection_joined": "异议并案",
}  # fmt: skip
TIMERS = {
    "notice_wait": "公示期满", "sla_opening_review": "开班审核超时", "sla_claim_review": "申领审核超时",
    "sla_payment": "拨付超时",
}  # fmt: skip
STATUS: Mapping[str, str] = CASE_STATUSES
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the demo's published password, printed with the address


def demo_text() -> str:
    """The shipped demo scenario."""
    return (files("cli") / "demo" / "demo.yaml").read_text(encoding="utf-8")


def run_demo(db_path: Path, calendar: BusinessCalendar, policy: Policy, console: Console) -> ScenarioRun:
    """Start afresh: a new embedded database, migrated, seeded and played."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{db_path}"
    upgrade(make_engine(url))
    text = demo_text()
    with console.status("演示数据播放中 …"):
        run = ScenarioRun(parse_scenario(text, "demo.yaml"), text, calendar, db_url=url, policy=policy)
        result = run.run()
    if not result["ok"]:
        raise RuntimeError(f"the demo scenario no longer holds: {result.get('mismatches')}")
    with run.rt.session() as session:
        # The roles no demo step acts in: the process owner edits models, the auditor replays histories.
        for user, role in (("zhou", "process_owner"), ("shen", "auditor")):
            ensure_user(session, user, role)
        # Every demo user signs in to the web app with DEMO_PASSWORD (one hash: the password is shared).
        shared = hash_password(DEMO_PASSWORD)
        for row in session.exec(select(UserRow)):
            set_password(session, row.username, shared)
        session.commit()
    return run


def print_timeline(rt: Runtime, case_id: int, console: Console) -> None:
    """Stage, actor, date, working days used against the limit, amounts in 元 and 万元."""
    with rt.session() as session:
        case = session.get(CaseRow, case_id)
        assert case is not None  # noqa: S101 - played by the demo
        events = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
        )
        tasks = {
            (t.task_key, t.completed_at): t
            for t in session.exec(
                select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "completed")
            )
        }
        table = Table(title=f"{case.batch} {case.occupation}{case.level} — {case.institution}")
        for column in ("#", "阶段", "办理人", "日期", "用时（工作日）/ 时限", "说明"):
            table.add_column(column)
        for event in events:
            payload: dict[str, Any] = event.payload
            key = payload.get("task")
            when = event.at.astimezone(SHANGHAI)
            used = ""
            task = tasks.get((key, event.at)) if key else None
            if task is not None and task.due_at is not None:
                opened = task.created_at.astimezone(SHANGHAI).date()
                limit = rt.calendar.working_days_between(opened, task.due_at.astimezone(SHANGHAI).date())
                used = f"{rt.calendar.working_days_between(opened, when.date())} / {limit}"
            stage = STAGE.get(str(key)) or EVENTS.get(event.type, event.type)
            note = _note(payload)
            table.add_row(
                str(event.seq), stage, event.actor or "系统", when.strftime("%Y-%m-%d %H:%M"), used, note
            )
        console.print(table)
        figures = case.figures
        amount = figures.get("amount_fen")
        if isinstance(amount, int):
            console.print(
                f"核定补贴：{figures.get('eligible')} 人 × 标准 = [bold]{format_yuan(amount)}[/bold]"
                f"（{format_wanyuan(amount)}）；其中基础 {format_yuan(figures['base_fen'])}，"
                f"绩效 {format_yuan(figures['performance_fen'])}"
            )


def _note(payload: dict[str, Any]) -> str:
    form = payload.get("form") or {}
    if "decision" in form:
        return f"{form['decision']} {form.get('comment', '')}".strip()
    for key in ("actual_count", "attendance", "claimed_count", "fund_source"):
        if key in form:
            return f"{key} = {form[key]}"
    if "fired" in payload:
        return "、".join(TIMERS.get(f["timer"], f["timer"]) for f in payload["fired"])
    if "reference" in payload.get("payload", {}):
        return f"流水号 {payload['payload']['reference']}"
    return ""


def print_waiting(rt: Runtime, console: Console) -> None:
    """The other cases and what each waits for: a reviewer's inbox has real work in it."""
    table = Table(title="其他案件（演示时刻 2026-06-05）")
    for column in ("案件", "状态", "待办任务", "角色", "截止"):
        table.add_column(column)
    with rt.session() as session:
        for case in session.exec(select(CaseRow).order_by(col(CaseRow.id))):
            if case.label == "main":
                continue
            open_tasks = list(
                session.exec(
                    select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "open")
                )
            )
            names = "、".join(STAGE.get(t.task_key, t.task_key) for t in open_tasks) or "—"
            roles = "、".join(sorted({t.role for t in open_tasks})) or "—"
            due = min((t.due_at for t in open_tasks if t.due_at), default=None)
            table.add_row(
                case.label,
                STATUS.get(case.status, case.status),
                names,
                roles,
                due.astimezone(SHANGHAI).date().isoformat() if due else "",
            )
    console.print(table)
