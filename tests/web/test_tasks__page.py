"""The task page: the form from its schema, field errors in place, four eyes, a stale page refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests_support import application
from web_support import csrf_of, sign_in

from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from tasks.inbox import open_tasks


def _filed(rt: Runtime, seed: str = "web") -> int:
    outcome = submit_task(
        rt,
        case_id=None,
        actor=Actor("jyjs", "applicant"),
        task_key="opening_application",
        data=application(seed),
    )
    assert outcome.ok and outcome.case_id is not None, outcome
    return outcome.case_id


def _version(page: str) -> str:
    found = re.search(r'name="case_version" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def test_a_review_shows_its_buttons_and_an_empty_return_reason_is_refused_in_place(
    client: TestClient, rt: Runtime
) -> None:
    _filed(rt)
    task = open_tasks(rt, "wang")[0]
    sign_in(client, "wang")
    page = client.get(f"/tasks/{task.task_id}")
    assert page.status_code == 200
    assert "开班初审" in page.text and 'value="approve"' in page.text and "审核意见" in page.text
    assert "本案此前的办理" in page.text and "开班申请" in page.text and "jyjs" in page.text
    token, version = csrf_of(client, "/inbox"), _version(page.text)
    refused = client.post(
        f"/tasks/{task.task_id}",
        data={"csrf_token": token, "case_version": version, "decision": "return", "comment": " "},
    )
    assert refused.status_code == 422
    comment = re.search(r'data-field="comment".*?</div>\s*</div>', refused.text, re.S)
    assert comment is not None and "退回须写明理由" in comment.group(0)


def test_an_approval_completes_the_task_and_the_next_reviewer_sees_the_decision(
    client: TestClient, rt: Runtime
) -> None:
    _filed(rt)
    task = open_tasks(rt, "wang")[0]
    sign_in(client, "li")
    page = client.get(f"/tasks/{task.task_id}")
    data = {"csrf_token": csrf_of(client, "/inbox"), "case_version": _version(page.text)}
    done = client.post(
        f"/tasks/{task.task_id}",
        data={**data, "decision": "approve", "comment": "材料齐全"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/inbox"
    assert "已办结" in client.get("/inbox").text
    recheck = open_tasks(rt, "zhao")[0]
    client.post("/logout", data={"csrf_token": csrf_of(client, "/inbox")})
    sign_in(client, "zhao")
    page = client.get(f"/tasks/{recheck.task_id}")
    assert "开班复核" in page.text and "材料齐全" in page.text and "li" in page.text


def test_four_eyes_is_explained_and_enforced(client: TestClient, rt: Runtime) -> None:
    _filed(rt)
    first = open_tasks(rt, "wang")[0]
    assert submit_task(
        rt, case_id=first.case_id, actor=Actor("wang", "reviewer"), task_key="opening_first_review",
        data={"decision": "approve"},
    ).ok  # fmt: skip
    recheck = next(i for i in open_tasks(rt, "wang") if i.task_key == "opening_recheck")
    sign_in(client, "wang")
    page = client.get(f"/tasks/{recheck.task_id}")
    assert "四眼原则" in page.text
    refused = client.post(
        f"/tasks/{recheck.task_id}",
        data={
            "csrf_token": csrf_of(client, "/inbox"),
            "case_version": _version(page.text),
            "decision": "approve",
        },
    )
    assert refused.status_code == 403 and "复核人不能与初审人相同" in refused.text


def test_a_page_left_open_while_the_case_moved_on_is_refused_not_overwritten(
    client: TestClient, rt: Runtime
) -> None:
    _filed(rt)
    task = open_tasks(rt, "wang")[0]
    sign_in(client, "wang")
    stale = _version(client.get(f"/tasks/{task.task_id}").text)
    token = csrf_of(client, "/inbox")
    stale_post = client.post(
        f"/tasks/{task.task_id}",
        data={"csrf_token": token, "case_version": str(int(stale) - 1), "decision": "approve"},
    )
    assert stale_post.status_code == 409 and "已被他人更新" in stale_post.text
    assert submit_task(
        rt, case_id=task.case_id, actor=Actor("li", "reviewer"), task_key="opening_first_review",
        data={"decision": "approve"},
    ).ok  # fmt: skip
    gone = client.post(
        f"/tasks/{task.task_id}", data={"csrf_token": token, "case_version": stale, "decision": "approve"}
    )
    assert gone.status_code == 409 and "已由他人办结" in gone.text


def test_a_form_with_a_table_shows_row_errors_in_their_cell(client: TestClient, rt: Runtime) -> None:
    case_id = _filed(rt)
    sign_in(client, "jyjs")
    task = next(i for i in open_tasks(rt, "wang") if i.case_id == case_id)
    assert client.get(f"/tasks/{task.task_id}").status_code == 403  # an applicant cannot review
    from web.form_view import form_fields

    fields = form_fields("assessment_result", {"results": [{"kind": "x", "participants": "a"}]},
                         {"results[0].participants": "须为整数"})  # fmt: skip
    table = next(f for f in fields if f.kind == "table")
    cells = {c.name: c for c in table.rows[0]}
    assert cells["results[0].participants"].error == "须为整数" and len(table.rows) == 2
