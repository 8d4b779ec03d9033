"""A case is judged only by what it was pinned to (issue 7, item 1; ARCHITECTURE "What judges a case").

Two policies (notice of 3 and of 5 working days) and two calendars (the package's, and an operator
file adding a 2026 holiday inside the notice) in one database: the case filed under the first
settings keeps them after the bureau changed both, the case filed afterwards gets the new ones,
and each replays by its own deployment.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from sqlmodel import Session, select

from bpmn.deployment import DeploymentTampered, assemble, calendar_of, content_hash, policy_of, verify
from bpmn.engine import deploy
from cases.replay import replay_case
from cases.runtime import DeploymentRefused, Runtime, stored_deployment
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from domain.calendar import BusinessCalendar
from store.tables import CaseRow, DeploymentFile, Notice

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"
EXTRA_HOLIDAY = date(2026, 5, 6)  # a Wednesday inside the happy path's notice (04-30 … 05-07)


def _two_cases() -> str:
    data: dict[str, Any] = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    steps = data["steps"]
    old = [{**s, "case": "old"} for s in steps]
    new = [{**s, "case": "new"} for s in steps]
    data["steps"] = [s for pair in zip(old, new, strict=True) for s in pair]
    data.pop("expect", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _notice(session: Session, case_id: int | None) -> Notice:
    return session.exec(select(Notice).where(Notice.case_id == case_id)).one()


def test_a_policy_and_calendar_change_leaves_running_cases_alone(tmp_path: Path) -> None:
    source = _two_cases()
    run = ScenarioRun(
        parse_scenario(source, "pin"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/pin.db"
    )
    try:
        steps = list(run.scenario.steps)
        run.play_step(0, steps[0])  # "old" filed under the shipped policy and the package calendar
        first = run.rt.deployment
        changed_calendar = BusinessCalendar().with_extra([EXTRA_HOLIDAY], [])
        changed_policy = shipped_policy().with_overrides({"notice_days": 5})
        run.rt = Runtime(run.rt.db, run.clock, changed_calendar, changed_policy)  # the bureau's change
        assert run.rt.deployment.id != first.id
        for index, step in enumerate(steps[1:], start=1):
            run.play_step(index, step)
        run.advance(run.clock.now().replace(month=6, day=30))
        with Session(run.rt.db) as session:
            old = session.get(CaseRow, run.cases["old"])
            new = session.get(CaseRow, run.cases["new"])
            assert old is not None and new is not None
            assert old.deployment_id == first.id
            assert new.deployment_id == run.rt.deployment.id
            # old: 3 working days on the package calendar; new: 5, without the extra holiday
            assert (_notice(session, old.id).start, _notice(session, old.id).end) == (
                date(2026, 4, 30),
                date(2026, 5, 7),
            )
            assert _notice(session, new.id).start == date(2026, 4, 30)
            assert _notice(session, new.id).end == date(2026, 5, 11)
            assert old.status == "paid" and new.status in ("payment", "paid")
            for case in (old, new):
                assert case.id is not None
                assert replay_case(session, case.id).ok
    finally:
        run.close()


def test_the_deployment_holds_the_whole_policy_and_the_operator_calendar() -> None:
    policy = shipped_policy().with_overrides({"claim_review_days": 15})
    calendar = BusinessCalendar().with_extra([date(2027, 1, 1)], [])
    files = assemble(policy, calendar)
    assert policy_of(files) == policy
    assert calendar_of(files).operator_years == calendar.operator_years
    assert any(name.startswith("forms/") for name in files)
    a, b = deploy(files), deploy(assemble(shipped_policy(), calendar))
    assert a.id != b.id and a.policy.claim_review_days == 15


def test_operator_data_for_a_covered_year_keeps_the_rest_of_that_year() -> None:
    # Additions, version 2: one extra 2026 holiday no longer erases National Day.
    pinned = calendar_of(assemble(shipped_policy(), BusinessCalendar().with_extra([EXTRA_HOLIDAY], [])))
    assert not pinned.is_workday(EXTRA_HOLIDAY)
    assert not pinned.is_workday(date(2026, 10, 1))
    assert pinned.is_workday(date(2026, 5, 7))


def test_an_edited_deployment_file_is_refused_at_load(tmp_path: Path) -> None:
    source = _two_cases()
    run = ScenarioRun(parse_scenario(source, "pin"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/t.db")
    try:
        run.play_step(0, run.scenario.steps[0])
        deployment_id = run.rt.deployment.id
        with run.rt.db.begin() as connection:
            connection.execute(
                text(
                    "UPDATE deployment_file SET content = :c WHERE deployment_id = :d AND name = 'policy.json'"
                ),
                {"c": '{"notice_days": 1}', "d": deployment_id},
            )
        with Session(run.rt.db) as session:
            files = {r.name: r.content.encode() for r in session.exec(select(DeploymentFile))}
            with pytest.raises(DeploymentTampered):
                verify(deployment_id, files)
            with pytest.raises(Exception, match="内容哈希不符"):
                stored_deployment(session, deployment_id, fresh=True)
            case_id = run.cases["main"] if "main" in run.cases else run.cases["old"]
            assert case_id is not None
            report = replay_case(session, case_id)
            assert [f.kind for f in report.findings] == ["deployment"]
    finally:
        run.close()


def test_a_hostile_diagram_written_behind_the_applications_back_never_runs(tmp_path: Path) -> None:
    """An intruder writes a deployment whose hash is consistent but whose condition escapes."""
    source = _two_cases()
    run = ScenarioRun(parse_scenario(source, "pin"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/h.db")
    try:
        run.play_step(0, run.scenario.steps[0])
        case_id = run.cases["old"]
        files = dict(run.rt.deployment.files)
        name = "processes/opening.bpmn"
        escape = "(x for x in []).gi_frame.f_back.f_builtins['__import__']('os')"
        files[name] = files[name].replace(
            b'decision == "approve"', escape.encode().replace(b"'", b"&apos;"), 1
        )
        assert files[name] != run.rt.deployment.files[name]
        hostile = content_hash(files.items())
        with run.rt.db.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO deployment (id, policy, created_at) VALUES (:i, '{}', '2026-03-02 00:00:00')"
                ),
                {"i": hostile},
            )
            for file_name, body in files.items():
                connection.execute(
                    text("INSERT INTO deployment_file (deployment_id, name, content) VALUES (:i, :n, :c)"),
                    {"i": hostile, "n": file_name, "c": body.decode()},
                )
            connection.execute(
                text('UPDATE "case" SET deployment_id = :i WHERE id = :c'), {"i": hostile, "c": case_id}
            )
        with Session(run.rt.db) as session:
            with pytest.raises(DeploymentRefused, match="不允许"):
                stored_deployment(session, hostile)
            assert case_id is not None
            kinds = [f.kind for f in replay_case(session, case_id).findings]
            assert "deployment" in kinds and "row" in kinds  # the row no longer is what the log sealed
    finally:
        run.close()


def test_a_case_is_validated_by_the_forms_it_pinned(tmp_path: Path) -> None:
    """A form changed after filing (here: the claim's count capped at 10) judges only the cases filed under it."""
    forms = {
        name: body
        for name, body in assemble(shipped_policy(), BusinessCalendar()).items()
        if name.startswith("forms/")
    }
    claim = json.loads(forms["forms/subsidy_claim.json"])
    claim["properties"]["claimed_count"]["maximum"] = 10
    forms["forms/subsidy_claim.json"] = json.dumps(claim, ensure_ascii=False).encode()
    source = _two_cases()
    run = ScenarioRun(parse_scenario(source, "pin"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/f.db")
    try:
        release = run.rt
        run.rt = release.pinned(deploy(assemble(release.policy, release.calendar, forms=forms)))
        steps = list(run.scenario.steps)
        run.play_step(0, steps[0])  # "old" filed under the changed claim form
        run.rt = release
        for index, step in enumerate(steps[1:], start=1):
            run.play_step(index, step)
        claims = [r for r, s in zip(run.step_results, steps, strict=True) if s.task == "subsidy_claim"]
        old_claim, new_claim = claims
        assert not old_claim["ok"] and old_claim["error"]["field"] == "claimed_count"
        assert new_claim["ok"]
    finally:
        run.close()
