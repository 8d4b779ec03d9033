"""The task definitions hold together: unique ids, partners that exist, and the status each task gives."""

from __future__ import annotations

import pytest

from bpmn.engine import EngineView, ReadyTask
from cases.status import derive_status
from domain.vocab import Role
from forms.task_definitions import BY_ID, EVENTS, EVENTS_BY_ID, TASKS, TaskDefinition, definition, task_key


def waiting_for(*keys: str) -> EngineView:
    ready = tuple(ReadyTask(k, k, k, None, BY_ID[k].role.value) for k in keys)
    return EngineView(ready=ready, timers=(), messages=(), completed=False)


def test_ids_are_unique_and_forms_are_their_own() -> None:
    ids = [t.id for t in TASKS] + [e.id for e in EVENTS]
    assert len(ids) == len(set(ids)) == len(BY_ID) + len(EVENTS_BY_ID)
    assert all("__" not in i for i in ids)
    assert [t.form for t in TASKS] == [t.id for t in TASKS]  # tasks/commands.py validates by task id


def test_a_four_eyes_partner_is_an_earlier_task_of_another_role() -> None:
    partners = {t.id: t.four_eyes for t in TASKS if t.four_eyes}
    assert partners == {"opening_recheck": "opening_first_review", "claim_recheck": "claim_first_review"}
    for task, partner in partners.items():
        assert BY_ID[partner].role is not BY_ID[task].role


def test_only_applicants_resubmit_and_public_files_only_objections() -> None:
    returned = [t.id for t in TASKS if t.status == "returned" or t.resubmitted_after]
    assert returned == ["opening_application", "subsidy_claim"]
    assert all(BY_ID[t].role is Role.APPLICANT for t in returned)
    assert [e.id for e in EVENTS if Role.PUBLIC in e.roles] == ["objection"]


def test_another_shape_of_a_task_is_the_same_task() -> None:
    assert task_key("spot_check__more") == "spot_check"
    assert definition("opening_application__correction") is BY_ID["opening_application"]
    assert definition("no_such_task") is None


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.id)
def test_a_case_waiting_for_a_task_has_its_status(task: TaskDefinition) -> None:
    assert derive_status(waiting_for(task.id), {}) == task.status


def test_a_claim_filed_again_after_a_return_shows_returned() -> None:
    assert derive_status(waiting_for("subsidy_claim"), {"claims_filed": 0}) == "claim"
    assert derive_status(waiting_for("subsidy_claim"), {"claims_filed": 1}) == "returned"


def test_an_applicants_resubmission_wins_over_any_other_waiting_task() -> None:
    assert derive_status(waiting_for("spot_check", "subsidy_claim"), {}) == "claim"
    assert derive_status(waiting_for("opening_first_review", "opening_application"), {}) == "returned"
    assert derive_status(waiting_for("assessment_request", "spot_check"), {}) == "training"
