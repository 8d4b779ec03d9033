"""Evidence on the web: uploads need CSRF and a role, the task form cites the hashes, the case page lists them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evidence_support import JPEG, PDF, TEXT, case_at_opening_day
from fastapi.testclient import TestClient
from pages_play import add_staff
from sqlmodel import Session, col, select
from web_support import csrf_of, sign_in

from cases.runtime import Runtime
from cases.wiring import Settings
from store.tables import CaseEvent
from tasks.inbox import open_tasks
from web.app import create_app


@pytest.fixture
def web(rt: Runtime, password_hash: str, tmp_path: Path) -> Iterator[tuple[TestClient, int]]:
    add_staff(rt, password_hash)
    case_id = case_at_opening_day(rt)
    app = create_app(Settings(evidence_dir=str(tmp_path)), rt=rt, secret_key="test-secret")  # noqa: S106
    with TestClient(app) as client:
        yield client, case_id


def _post(
    client: TestClient, case_id: int, name: str, content: bytes, kind: str, token: str | None
) -> dict[str, Any]:
    headers = {"X-CSRF-Token": token} if token else {}
    answer = client.post(
        f"/cases/{case_id}/evidence", files=[("file", (name, content))], data={"kind": kind}, headers=headers
    )
    is_json = answer.headers["content-type"].startswith("application/json")
    return {"status": answer.status_code, **(answer.json() if is_json else {})}


def test_uploads_need_the_csrf_token_and_an_uploading_role(web: tuple[TestClient, int]) -> None:
    client, case_id = web
    sign_in(client, "sun")
    assert _post(client, case_id, "a.pdf", PDF, "签到表", "forged-token")["status"] == 403
    assert client.post(f"/cases/{case_id}/evidence", data={"kind": "签到表"}).status_code == 403  # no token
    # a multipart upload without any token: refused, its temporary file closed (no ResourceWarning)
    assert _post(client, case_id, "a.pdf", PDF, "签到表", None)["status"] == 403
    client.post("/logout", data={"csrf_token": csrf_of(client, "/inbox")})
    sign_in(client, "qian")  # finance
    refused = _post(client, case_id, "a.pdf", PDF, "签到表", csrf_of(client, "/inbox"))
    assert refused["status"] == 403 and refused["errors"][0]["code"] == "forbidden"
    client.post("/logout", data={"csrf_token": csrf_of(client, "/inbox")})
    sign_in(client, "other")  # an applicant, not this case's
    assert _post(client, case_id, "a.pdf", PDF, "签到表", csrf_of(client, "/inbox"))["status"] == 403
    client.cookies.clear()
    anonymous = client.post(
        f"/api/cases/{case_id}/evidence", files=[("file", ("a.pdf", PDF))], headers={"X-CSRF-Token": "x"}
    )
    assert anonymous.status_code in (401, 403)


def test_a_jpg_that_is_really_text_is_refused_at_its_place(web: tuple[TestClient, int]) -> None:
    client, case_id = web
    sign_in(client, "sun")
    refused = _post(client, case_id, "现场.jpg", TEXT, "现场照片", csrf_of(client, "/inbox"))
    assert refused["status"] == 422
    assert refused["errors"] == [
        {"code": "invalid_field", "field": "evidence[0]",
         "message": "「现场.jpg」：文件内容是纯文本，与扩展名 .jpg 不符（类型按文件内容判断）"},
    ]  # fmt: skip


def test_a_task_cites_its_uploads_and_the_case_page_lists_them(
    rt: Runtime, web: tuple[TestClient, int]
) -> None:
    client, case_id = web
    sign_in(client, "sun")
    token = csrf_of(client, "/inbox")
    (sheet,) = _post(client, case_id, "签到表.pdf", PDF, "签到表", token)["hashes"]
    api = client.post(
        f"/api/cases/{case_id}/evidence", files=[("file", ("现场.jpg", JPEG))], data={"kind": "现场照片"},
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    (photo,) = api.json()["hashes"]
    task = next(t for t in open_tasks(rt, "sun") if t.task_key == "opening_day_check")
    page = client.get(f"/tasks/{task.task_id}")
    assert 'class="evidence-widget"' in page.text and "/static/evidence.js" in page.text
    assert f'data-case-id="{case_id}"' in page.text and '<option value="现场照片">' in page.text
    version = re.search(r'name="case_version" value="(\d+)"', page.text)
    assert version is not None
    form = {"csrf_token": token, "case_version": version.group(1), "actual_count": "3", "sign_in": "face",
            "materials_kept": "on"}  # fmt: skip
    unknown = client.post(f"/tasks/{task.task_id}", data={**form, "evidence": [sheet, "f" * 64]})
    assert unknown.status_code == 422
    cell = re.search(r'data-field="evidence\[1\]".*?</li>', unknown.text, re.S)
    assert cell is not None and "不是本案件已上传的证据材料" in cell.group(0)
    done = client.post(
        f"/tasks/{task.task_id}", data={**form, "evidence": [sheet, photo]}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    with Session(rt.db) as session:
        event = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq).desc())
        ).first()
    assert event is not None and event.payload["form"]["evidence"] == [sheet, photo]

    case_page = client.get(f"/cases/{case_id}").text
    section = re.search(r'<section class="card" id="evidence">.*?</section>', case_page, re.S)
    assert section is not None
    listed = section.group(0)
    assert (
        "证据材料（2 份）" in listed and "签到表.pdf" in listed and "现场照片" in listed and "sun" in listed
    )
    assert sheet[:16] in listed and f'href="/cases/{case_id}/evidence/{sheet}"' in listed
    download = client.get(f"/cases/{case_id}/evidence/{sheet}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    listing = client.get(f"/api/cases/{case_id}/evidence").json()
    assert [(e["kind"], e["sha256"]) for e in listing["evidence"]] == [("签到表", sheet), ("现场照片", photo)]

    client.post("/logout", data={"csrf_token": token})
    sign_in(client, "jyjs")  # the applicant sees the list, without download links
    own = client.get(f"/cases/{case_id}").text
    assert "签到表.pdf" in own and f"/cases/{case_id}/evidence/{sheet}" not in own
    assert client.get(f"/cases/{case_id}/evidence/{sheet}").status_code == 403


def test_a_recording_is_registered_by_its_reference(web: tuple[TestClient, int]) -> None:
    client, case_id = web
    sign_in(client, "sun")
    token = csrf_of(client, "/inbox")
    answer = client.post(
        f"/cases/{case_id}/evidence", headers={"X-CSRF-Token": token},
        data={"kind": "录像索引", "location": "nas://录像/实训车间2.mp4", "video_sha256": "a" * 64},
    )  # fmt: skip
    assert answer.status_code == 200 and len(answer.json()["hashes"]) == 1
    bad = client.post(
        f"/cases/{case_id}/evidence", headers={"X-CSRF-Token": token},
        data={"kind": "录像索引", "location": "nas://x", "video_sha256": "xyz"},
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "evidence[0]"
    assert "录像索引" in client.get(f"/cases/{case_id}").text
