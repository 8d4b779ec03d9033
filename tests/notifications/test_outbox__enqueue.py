"""The outbox is written in the transaction of the event that causes it: tasks assigned, return, notice, paid.

The happy path played by the scenario runner (its fake gateway) with the bureau's users known in
advance; a return with its reason; a command that fails after the step enqueues nothing; a user's
channels decide where their messages go, and a robot shared by two users gets one message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select
from tests_support import application

from cases.commands import Actor, submit_task
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from notifications.channels.base import ChannelKind
from store import outbox
from store.catalogue import ensure_user
from store.outbox_tables import NotificationRow
from store.tables import HumanTask
from store.user_channels import ChannelChoiceRefused, choose_channels

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"
USERS = {"jyjs": "applicant", "wang": "reviewer", "wu": "reviewer", "li": "rechecker", "zhao": "approver",
         "sun": "inspector", "qian": "finance"}  # fmt: skip
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key"
PERSONAL = ("13800000001", "6222000000000000001")


def _run(doc: dict[str, Any]) -> ScenarioRun:
    doc.pop("expect", None)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    run = ScenarioRun(parse_scenario(text, "outbox.yaml"), text, BusinessCalendar())
    with run.rt.session() as session:
        for user, role in USERS.items():
            ensure_user(session, user, role)
        now = run.rt.now()
        choose_channels(session, "wang", [(ChannelKind.INAPP, ""), (ChannelKind.EMAIL, "wang@example.cn"),
                                          (ChannelKind.WECOM, ROBOT)], now)  # fmt: skip
        choose_channels(session, "wu", [(ChannelKind.WECOM, ROBOT)], now)
        session.commit()
    return run


@pytest.fixture
def happy() -> Iterator[ScenarioRun]:
    run = _run(yaml.safe_load(HAPPY.read_text(encoding="utf-8")))
    run.run()
    yield run
    run.close()


def _rows(run: ScenarioRun) -> list[NotificationRow]:
    with run.rt.session() as session:
        return list(session.exec(select(NotificationRow).order_by(NotificationRow.id)))  # type: ignore[arg-type]


def test_the_happy_path_enqueues_every_kind_of_its_steps(happy: ScenarioRun) -> None:
    rows = _rows(happy)
    kinds = Counter(r.kind for r in rows)
    assert {"task_assigned", "notice_published", "paid"} <= kinds.keys()
    paid = [r for r in rows if r.kind == "paid"]
    assert [(r.recipient, r.channel) for r in paid] == [("jyjs", "inapp")]
    assert "44,400.00 元" in paid[0].body or "元" in paid[0].body
    first_review = [r for r in rows if r.kind == "task_assigned" and "开班初审" in r.title]
    # wang: in-app and e-mail; the WeCom robot wang and wu share: one message; wu chose nothing else
    assert sorted((r.recipient, r.channel) for r in first_review) == [
        ("wang", "email"), ("wang", "inapp"), ("wang", "wecom"),
    ]  # fmt: skip
    assert all(r.status == "pending" and r.next_attempt_at is not None for r in rows)
    for row in rows:
        assert not any(secret in row.title + row.body for secret in PERSONAL)


def test_each_task_that_became_ready_is_announced_once_to_each_holder(happy: ScenarioRun) -> None:
    with happy.rt.session() as session:
        tasks = list(session.exec(select(HumanTask)))
    in_app = [u for u in USERS if u != "wu"]  # wu chose the robot only
    expected = Counter((task.title, user) for task in tasks for user in in_app if USERS[user] == task.role)
    announced = Counter(
        (r.title.removeprefix("【待办】").partition("：")[0], r.recipient)
        for r in _rows(happy) if r.kind == "task_assigned" and r.channel == "inapp"
    )  # fmt: skip
    assert announced == expected and len(expected) >= 10


def test_a_return_tells_the_applicant_the_reason() -> None:
    doc: dict[str, Any] = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    first = doc["steps"][0]
    doc["steps"][1:1] = [
        {"at": "2026-03-02T10:00:00+08:00", "actor": {"user": "wang", "role": "reviewer"},
         "task": "opening_first_review", "data": {"decision": "return", "comment": "请补充教学计划，联系电话 13800000001"}},
        {**first, "at": "2026-03-03T08:00:00+08:00"},
    ]  # fmt: skip
    run = _run(doc)
    try:
        run.run()
        returned = [r for r in _rows(run) if r.kind == "returned"]
    finally:
        run.close()
    assert [(r.recipient, r.channel) for r in returned] == [("jyjs", "inapp")]
    assert "请补充教学计划，联系电话 *******0001" in returned[0].body
    assert "开班申请" in returned[0].title


def test_a_command_that_fails_after_its_step_enqueues_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    doc: dict[str, Any] = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    run = _run(doc)
    try:
        before = len(_rows(run))

        def broken_sync(*args: object, **kwargs: object) -> None:
            raise RuntimeError("projection failed")

        monkeypatch.setattr("cases.step.projections.sync", broken_sync)
        data = application("a", 3)
        with pytest.raises(RuntimeError, match="projection failed"):
            submit_task(run.rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
                        data=data)  # fmt: skip
        assert len(_rows(run)) == before == 0
        monkeypatch.undo()
        refused = submit_task(run.rt, case_id=None, actor=Actor("wang", "reviewer"), task_key="opening_application",
                              data=data)  # fmt: skip
        assert not refused.ok and _rows(run) == []
        accepted = submit_task(run.rt, case_id=None, actor=Actor("jyjs", "applicant"),
                               task_key="opening_application", data=data)  # fmt: skip
        assert accepted.ok and {r.kind for r in _rows(run)} == {"task_assigned"}
    finally:
        run.close()


def test_enqueuing_again_adds_nothing(happy: ScenarioRun) -> None:
    with happy.rt.session() as session:
        task = session.exec(select(HumanTask)).first()
        assert task is not None
        from store.tables import CaseRow

        case = session.get(CaseRow, task.case_id)
        assert case is not None
        first = outbox.enqueue_reminder(session, case, task, happy.rt.now())
        again = outbox.enqueue_reminder(session, case, task, happy.rt.now())
        session.commit()
    assert first >= 1 and again == 0


def test_a_bad_channel_choice_is_refused(happy: ScenarioRun) -> None:
    with happy.rt.session() as session:
        with pytest.raises(ChannelChoiceRefused):
            choose_channels(session, "wang", [(ChannelKind.EMAIL, "not an address")], happy.rt.now())
        with pytest.raises(ChannelChoiceRefused):
            choose_channels(session, "wang", [(ChannelKind.DINGTALK, "file:///etc/passwd")], happy.rt.now())
