"""Hot instances (cases/hot_runs.py): used only while the row holds exactly what they serialized to."""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cases.commands import Actor, submit_task
from cases.hot_runs import HotRuns
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.catalogue import ensure_user

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


def _run(upto: int) -> ScenarioRun:
    source = HAPPY.read_text(encoding="utf-8")
    run = ScenarioRun(parse_scenario(source, HAPPY.name), source, BusinessCalendar())
    for index, step in enumerate(run.scenario.steps[:upto]):
        run.play_step(index, step)
    return run


def _reference() -> Any:
    source = HAPPY.read_text(encoding="utf-8")
    run = ScenarioRun(parse_scenario(source, HAPPY.name), source, BusinessCalendar())
    try:
        return run.run()["cases"]["main"]
    finally:
        run.close()


def test_commands_continue_on_the_instance_the_previous_one_committed() -> None:
    run = _run(len(parse_scenario(HAPPY.read_text(encoding="utf-8")).steps))
    try:
        assert run.rt.hot.hits >= 10  # every command after the first on the case
        assert run.case_result(run.cases["main"]) == _reference()
    finally:
        run.close()


def test_a_refused_command_leaves_no_changed_instance_behind() -> None:
    run = _run(1)
    try:
        case_id = run.cases["main"]
        with run.rt.session() as session:
            ensure_user(session, "wang", "reviewer")
            session.commit()
        hits = run.rt.hot.hits
        refused = submit_task(run.rt, case_id=case_id, actor=Actor("wang", "reviewer"),
                              task_key="opening_first_review", data={"decision": "maybe"})  # fmt: skip
        assert not refused.ok
        assert refused.errors[0].code.value == "invalid_field"
        assert (
            run.rt.hot.hits == hits + 1
        )  # the refused command took the instance (and changed nothing durable)
        misses = run.rt.hot.misses
        for index, step in enumerate(run.scenario.steps[1:], start=1):
            run.play_step(index, step)
        assert run.rt.hot.misses > misses  # the first command after the refusal read the row again
        assert all(s["ok"] for s in run.step_results)
        assert run.case_result(case_id) == _reference()
    finally:
        run.close()


def test_a_row_written_by_another_process_is_read_again_not_overwritten_from_memory() -> None:
    run = _run(2)  # filed and first-reviewed by this runtime: its instance is hot
    try:
        case_id = run.cases["main"]
        other = copy(run.rt)
        other.hot = HotRuns()  # another process: same database, its own instances
        with run.rt.session() as session:
            ensure_user(session, "li", "rechecker")
            session.commit()
        steps = run.scenario.steps
        run.advance(steps[2].at)
        done = submit_task(other, case_id=case_id, actor=Actor("li", "rechecker"),
                           task_key="opening_recheck", data=steps[2].data)  # fmt: skip
        assert done.ok
        misses = run.rt.hot.misses
        run.step_results.append({"index": 2, "ok": True})
        for index, step in enumerate(steps[3:], start=3):
            run.play_step(index, step)
        assert run.rt.hot.misses == misses + 1  # this runtime's instance was stale: not used
        assert all(s["ok"] for s in run.step_results)
        assert run.case_result(case_id) == _reference()
    finally:
        run.close()


def test_a_tampered_snapshot_is_still_refused_with_a_hot_instance_at_hand() -> None:
    run = _run(3)
    try:
        case_id = run.cases["main"]
        with run.rt.session() as session:
            ensure_user(session, "zhao", "approver")
            session.commit()
        assert len(run.rt.hot) == 1  # the instance is at hand
        with run.rt.db.begin() as connection:
            connection.execute(text("UPDATE \"case\" SET snapshot = replace(snapshot, 'opening', 'openinG') WHERE id = :id"),
                               {"id": case_id})  # fmt: skip
        answer = submit_task(run.rt, case_id=case_id, actor=Actor("zhao", "approver"),
                             task_key="opening_approval", data={"decision": "approve"})  # fmt: skip
        assert not answer.ok
        assert answer.errors[0].code.value == "integrity"
    finally:
        run.close()
