"""Human-task commands: a task completed (or a new opening application filed) by its actor.

Each command checks role, ownership, four-eyes, the form and the rules, then runs the engine
step and writes the new snapshot, the event and every projection in one transaction: a
refused or failed command leaves the case exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col

from bpmn.engine import CaseRun, NoSuchTask
from cases import projections, rules
from cases.races import RACES, conflict
from cases.runtime import Runtime
from cases.step import commit_step, log_event
from domain.calendar import CalendarMissing
from domain.errors import ErrorCode, Refused, Violation
from domain.opening import OPENING_FIELDS, name_problems, sort_violations
from domain.records import OpeningApplication
from domain.vocab import Role
from forms.task_definitions import TASKS
from forms.validator import validate
from store import personal
from store.catalogue import roles_of
from store.reads import case_row
from store.tables import CaseRow, HumanTask, RosterEntry

# The role of each human task and its four-eyes partner, from the task definitions (forms/task_definitions.py).
TASK_ROLES: Mapping[str, Role] = MappingProxyType({t.id: t.role for t in TASKS})
# Four eyes: the recheck must be done by another person than the first review (LIFECYCLE.md actors).
FOUR_EYES: Mapping[str, str] = MappingProxyType({t.id: t.four_eyes for t in TASKS if t.four_eyes})
TASK_FORMS: Mapping[str, str] = MappingProxyType({t.id: t.form for t in TASKS})


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


def _refuse(code: ErrorCode, message: str, field: str | None = None) -> Refused:
    return Refused([Violation(code, field, message)])


def submit_task(
    rt: Runtime, *, case_id: int | None, actor: Actor, task_key: str, data: Mapping[str, Any], label: str = ""
) -> Outcome:
    """Complete a human task (or file a new opening application when ``case_id`` is None)."""
    with rt.session() as session:
        try:
            new_id = _submit(rt, session, case_id, actor, task_key, data, label)
            session.commit()
        except Refused as refused:
            session.rollback()
            return Outcome(False, case_id, refused.violations)
        except RACES as lost:  # another command changed the case first: nothing of ours is kept
            session.rollback()
            return Outcome(False, case_id, conflict(lost))
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
    case = case_row(session, case_id) if case_id is not None else None
    run, open_tasks = _check_access(rt, session, case, actor, task_key)
    if run is not None:  # a filed case is judged by the deployment it pinned, not today's settings
        rt = rt.pinned(run.deployment)
    else:  # a new application: the deployed version in force on its filing day (if any was deployed)
        rt = rt.for_filing(session)
    form = validate(task_key, data, rt.deployment.forms.get(task_key))  # the form as the case pinned it
    if not form.ok or form.value is None:
        raise Refused(_with_name_problems(task_key, data, form.errors))
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
    # personal values go to the vault; the event carries their salted references (store/personal.py)
    logged = personal.tokenise(session, TASK_FORMS.get(task_key, task_key), _plain(data), rt.now())
    payload = {"task": task_key, "role": actor.role, "form": logged, "engine": engine_data}
    commit_step(
        rt,
        session,
        case,
        run,
        report,
        "task_completed",
        actor.user,
        payload,
        completed=task_key,
        open_tasks=open_tasks,
    )
    return case.id


def _with_name_problems(
    task_key: str, data: Mapping[str, Any], errors: tuple[Violation, ...]
) -> list[Violation]:
    """A form refused by its schema still names its roster names' hidden characters, in form order."""
    roster = data.get("roster") if isinstance(data, Mapping) else None
    if task_key != "opening_application" or not isinstance(roster, list):
        return list(errors)
    return sort_violations([*errors, *name_problems(roster)], OPENING_FIELDS)


def _check_access(
    rt: Runtime, session: Session, case: CaseRow | None, actor: Actor, task_key: str
) -> tuple[CaseRun | None, list[HumanTask] | None]:
    """Role, ownership, the task being open, claims and four eyes: checked on the server, in that order."""
    role = TASK_ROLES.get(task_key)
    if role is None:
        raise _refuse(ErrorCode.NO_SUCH_TASK, f"流程中没有任务 {task_key}")
    held = roles_of(session, actor.user)  # created on first use, whatever the outcome
    if actor.role != role.value or actor.role not in held:
        raise _refuse(ErrorCode.FORBIDDEN, f"「{task_key}」须由 {role.value} 角色办理，您当前的角色无权办理")
    if case is None:
        if task_key != "opening_application":
            raise _refuse(ErrorCode.NO_SUCH_TASK, "该案件尚未提交有效的开班申请，没有可办理的任务")
        return None, None
    if role is Role.APPLICANT and case.applicant != actor.user:
        raise _refuse(ErrorCode.FORBIDDEN, "这不是您提交的案件，无权办理")
    run = rt.load_run(session, case)
    ready = next((t for t in run.view().ready if t.key == task_key), None)
    if ready is None:
        raise _refuse(ErrorCode.NO_SUCH_TASK, f"该案件当前没有待办的「{task_key}」任务")
    # The role declared on the task in the case's own deployment (one made before roles were declared
    # on tasks has none: the definition's role, checked above, stands).
    if ready.role is not None and ready.role != actor.role:
        raise _refuse(ErrorCode.FORBIDDEN, f"「{task_key}」须由 {ready.role} 角色办理，您当前的角色无权办理")
    open_tasks = projections.open_human_tasks(session, case.id)
    holder = next((t.assignee for t in open_tasks if t.task_key == task_key and t.status == "claimed"), None)
    if holder is not None and holder != actor.user:
        raise _refuse(ErrorCode.FORBIDDEN, f"该任务已由 {holder} 认领，请其退回后再办理")
    if (
        task_key in FOUR_EYES
        and projections.last_completed_by(session, case.id, FOUR_EYES[task_key]) == actor.user
    ):
        raise _refuse(ErrorCode.FOUR_EYES, "复核人不能与初审人相同，请由另一位复核人办理")
    return run, open_tasks


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
    run, _ = CaseRun.start(rt.deployment, rt.environment(), rt.clock, engine_data, trim=rt.trim_finished)
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
    log_event(session, case, "case_created", actor.user, run.start_record(engine_data), now, case.digest)
    return case, run


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
            "ref": personal.ref_of(session, "id_number", t.id_number),
        }
        for i, t in enumerate(app.roster)
    ]
    session.execute(insert(RosterEntry), rows)

    case.institution, case.occupation, case.level = app.institution, app.occupation, app.level.value
    case.batch, case.start_date, case.end_date = app.batch, app.start_date, app.end_date
    case.planned_count = app.planned_count
    rules.remember_application(case, app)
