"""The modeler pages: process owners only, drafts saved, the diff of a draft, the checks and deploy."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session
from web_support import csrf_of, sign_in

from cases.deploy import Candidate, DeployReport, Problem
from cases.runtime import Runtime
from store import deployments
from store.catalogue import ensure_user
from store.db import create_schema, make_engine
from web.accounts import set_password
from web.modeler_diff import diff_models
from web.routes import modeler
from web.routes.modeler import Job

OPENING = "processes/opening.bpmn"
TIMER = "opening_review_deadline(start_date)"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Engine:
    """A database file: the checks run on a thread of their own, and an in-memory SQLite database is
    one connection shared by every thread (interleaved transactions there fail at random)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'modeler.db'}")
    create_schema(engine)
    return engine


@pytest.fixture
def owner(client: TestClient, rt: Runtime, password_hash: str) -> TestClient:
    with Session(rt.db) as session:
        ensure_user(session, "zhou", "process_owner")
        set_password(session, "zhou", password_hash)
        session.commit()
    sign_in(client, "zhou")
    return client


def _new_draft(client: TestClient) -> int:
    answer = client.post(
        "/modeler/drafts", data={"csrf_token": csrf_of(client, "/modeler")}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/modeler/drafts/(\d+)", answer.headers["location"])
    assert found is not None
    return int(found.group(1))


def _files(client: TestClient, draft: int) -> dict[str, str]:
    answer = client.get(f"/modeler/drafts/{draft}/files")
    assert answer.status_code == 200
    files: dict[str, str] = answer.json()["files"]
    return files


def _save(client: TestClient, draft: int, files: dict[str, str], *, token: bool = True) -> tuple[int, str]:
    headers = {"X-CSRF-Token": csrf_of(client, "/modeler")} if token else {}
    answer = client.post(f"/modeler/drafts/{draft}/files", json={"files": files}, headers=headers)
    return answer.status_code, answer.text


def _lanes_emptied_and_moved(xml: str) -> str:
    """What bpmn-js writes after a lane was moved: every flowNodeRef list rewritten, shapes elsewhere."""
    emptied = re.sub(r"\s*<bpmn:flowNodeRef>[^<]*</bpmn:flowNodeRef>", "", xml)
    return re.sub(r'(<dc:Bounds x=")(\d+)', lambda m: f"{m.group(1)}{int(m.group(2)) + 40}", emptied)


def test_only_process_owners_reach_the_modeler(client: TestClient) -> None:
    assert (
        client.get("/modeler", follow_redirects=False).status_code == 303
    )  # signed out: to the sign-in page
    sign_in(client, "wang")
    assert client.get("/modeler").status_code == 403
    assert "流程建模" not in client.get("/inbox").text
    token = csrf_of(client, "/inbox")
    assert client.post("/modeler/drafts", data={"csrf_token": token}).status_code == 403
    assert client.get("/modeler/drafts/1").status_code == 403
    assert client.get("/modeler/drafts/1/files").status_code == 403
    assert client.post("/modeler/drafts/1/check", headers={"X-CSRF-Token": token}).status_code == 403


def test_a_process_owner_saves_a_draft_of_the_current_version(owner: TestClient) -> None:
    page = owner.get("/modeler")
    assert page.status_code == 200 and 'href="/modeler"' in page.text and "尚未部署编号版本" in page.text
    draft = _new_draft(owner)
    files = _files(owner, draft)
    assert OPENING in files and "decisions/subsidy_standard.dmn" in files
    assert not any(name.endswith((".json", ".yaml")) for name in files)
    editor = owner.get(f"/modeler/drafts/{draft}")
    assert "/assets/bpmn-js/bpmn-modeler.production.min.js" in editor.text
    assert "/assets/dmn-js/dmn-modeler.production.min.js" in editor.text
    assert owner.get("/assets/dmn-js/dmn-modeler.production.min.js").status_code == 200
    files[OPENING] = files[OPENING].replace(TIMER, "opening_review_deadline(end_date)")
    assert _save(owner, draft, files)[0] == 200
    assert "opening_review_deadline(end_date)" in _files(owner, draft)[OPENING]
    assert f"草稿 #{draft}" in owner.get("/modeler").text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: {**f, "policy.json": "{}"}, "不是模型文件名"),
        (
            lambda f: {**f, OPENING: '<!DOCTYPE x [<!ENTITY e "x">]>' + f[OPENING].split("?>", 1)[1]},
            "DOCTYPE",
        ),
        (lambda f: {**f, OPENING: "<bpmn:definitions"}, "不是合法的 XML"),
        (lambda f: {k: v for k, v in f.items() if k != OPENING}, "缺少模型文件"),
    ],
)
def test_a_draft_refuses_files_it_may_not_hold(owner: TestClient, change: object, message: str) -> None:
    draft = _new_draft(owner)
    files = _files(owner, draft)
    assert callable(change)
    status, text = _save(owner, draft, change(files))
    assert status == 422 and message in text
    assert _files(owner, draft) == files


def test_posts_without_the_csrf_token_are_refused(owner: TestClient) -> None:
    assert owner.post("/modeler/drafts").status_code == 403
    draft = _new_draft(owner)
    files = _files(owner, draft)
    assert _save(owner, draft, {**files, OPENING: files[OPENING].replace(TIMER, "x")}, token=False)[0] == 403
    assert _files(owner, draft) == files
    assert owner.post(f"/modeler/drafts/{draft}/check").status_code == 403
    assert owner.post(f"/modeler/drafts/{draft}/deploy", data={"reason": "r"}).status_code == 403


def test_a_moved_lane_changes_no_role_and_a_changed_timer_shows(owner: TestClient) -> None:
    draft = _new_draft(owner)
    files = _files(owner, draft)
    moved = {name: _lanes_emptied_and_moved(xml) for name, xml in files.items()}
    assert _save(owner, draft, moved)[0] == 200
    diff = owner.get(f"/modeler/drafts/{draft}/diff").text
    assert "没有元素新增、删除或修改" in diff and "角色变化" not in diff
    moved[OPENING] = moved[OPENING].replace(TIMER, "opening_review_deadline(end_date)")
    assert _save(owner, draft, moved)[0] == 200
    diff = owner.get(f"/modeler/drafts/{draft}/diff").text
    assert 'data-element="sla_opening_review"' in diff and diff.count('<tr class="diff-') == 1
    assert (
        f"<del>timeDate: {TIMER}</del>" in diff
        and "<ins>timeDate: opening_review_deadline(end_date)</ins>" in diff
    )
    assert re.search(r'id="diff-roles"><strong>角色变化：</strong><span>无</span>', diff)


def test_the_diff_names_roles_forms_and_elements_added_and_removed(owner: TestClient) -> None:
    draft = _new_draft(owner)
    files = _files(owner, draft)
    before = files[OPENING]
    after = re.sub(
        r'(<bpmn:userTask id="opening_first_review".*?name="role" value=")reviewer"',
        r'\1approver"',
        before,
        flags=re.S,
    )
    after = after.replace('id="opening_recheck"', 'id="opening_second_check"')
    diff = diff_models({OPENING: before}, {OPENING: after})
    assert ("opening_first_review", "reviewer", "approver") in diff.roles
    assert ("opening_recheck", "opening_recheck", "") in diff.forms
    kinds = {(c.element_id, c.kind) for c in diff.elements}
    assert {("opening_recheck", "removed"), ("opening_second_check", "added")} <= kinds
    assert _save(owner, draft, {**files, OPENING: after})[0] == 200
    page = owner.get(f"/modeler/drafts/{draft}/diff").text
    assert "opening_first_review：初审 → 人社审核" in page and "opening_recheck：opening_recheck → 无" in page


def _finished(client: TestClient, draft: int) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        page: str = client.get(f"/modeler/drafts/{draft}/check").text
        if "hx-trigger" not in page:
            return page
        time.sleep(0.05)
    raise AssertionError("the checks never finished")


def test_run_and_deploy_show_refusals_and_store_the_version(
    owner: TestClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner.app.state.scenario_check = lambda _candidate, _path: None  # type: ignore[attr-defined]
    failing = [True]

    def fake_dry_run(candidate: Candidate, _play: object, job: Job) -> DeployReport:
        job.total, job.done = 2, 2
        report = DeployReport(candidate.id, scenarios=[("a.yaml", None), ("b.yaml", None)])
        if failing[0]:
            report.problems.append(
                Problem("processes/opening.bpmn 的元素 sla_opening_review", "表达式不在封闭语言内")
            )
        return report

    monkeypatch.setattr(modeler, "dry_run", fake_dry_run)
    draft = _new_draft(owner)
    token = {"X-CSRF-Token": csrf_of(owner, "/modeler")}
    assert owner.post(f"/modeler/drafts/{draft}/check", headers=token).status_code == 200
    refused = _finished(owner, draft)
    assert "检查未通过" in refused and "sla_opening_review" in refused
    failing[0] = False
    owner.post(f"/modeler/drafts/{draft}/check", headers=token)
    assert "2 个场景全部通过（未部署）" in _finished(owner, draft)
    answer = owner.post(
        f"/modeler/drafts/{draft}/deploy", data={"csrf_token": token["X-CSRF-Token"], "reason": ""}
    )
    assert "请填写部署原因" in answer.text
    form = {"csrf_token": token["X-CSRF-Token"], "reason": "调整审核时限", "effective_from": "2026-04-01"}
    owner.post(f"/modeler/drafts/{draft}/deploy", data=form)
    assert "已部署为第 1 版" in _finished(owner, draft)
    with Session(rt.db) as session:
        stored = deployments.by_number(session, 1)
    assert stored is not None and stored.reason == "调整审核时限" and stored.deployed_by == "zhou"
    assert str(stored.effective_from) == "2026-04-01"
    assert "第 1 版" in owner.get("/modeler").text
    owner.post(f"/modeler/drafts/{draft}/deploy", data=form)
    assert "部署被拒绝：这些文件已部署为第 1 版" in _finished(owner, draft)
