"""The applicant's pages: my cases only, a roster uploaded with errors by row, a returned application corrected."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from pages_play import file_case
from tests_support import APPLICATION, application
from web_support import csrf_of, sign_in

from cases.commands import Actor, submit_task
from cases.runtime import Runtime


def _form(values: dict[str, object], token: str) -> dict[str, str]:
    plain = {k: str(v) for k, v in values.items() if k not in ("roster", "key_group")}
    return {**plain, "csrf_token": token}


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in [["姓名", "身份证号", "联系电话", "人员类别"], *rows]).encode()


def _filled(page: str) -> dict[str, str]:
    """The values a browser would post from the page's form (inputs, checked boxes, selected options)."""
    form: dict[str, str] = {}
    for tag in re.findall(r"<input ([^>]*)>", page):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        kind, name, value = attrs.get("type", "text"), attrs.get("name"), attrs.get("value", "")
        if name and value and (kind not in ("radio", "checkbox") or " checked" in tag):
            form[name] = value
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'value="([^"]*)" selected', options)
        if chosen:
            form[name] = chosen.group(1)
    return form


def test_an_applicant_sees_only_their_own_cases(client: TestClient, rt: Runtime) -> None:
    mine = file_case(rt, "mine")
    sign_in(client, "other")
    assert client.get("/my/cases").status_code == 200 and "2026-焊工-31" not in client.get("/my/cases").text
    assert client.get(f"/cases/{mine}").status_code == 403
    assert client.get(f"/api/cases/{mine}").status_code == 403
    assert client.get("/api/my/cases").json()["cases"] == []
    client.post("/logout", data={"csrf_token": csrf_of(client, "/my/cases")})
    sign_in(client, "jyjs")
    listed = client.get("/my/cases")
    assert "2026-焊工-31" in listed.text and "开班审核中" in listed.text and "开班初审" in listed.text
    assert client.get("/api/my/cases").json()["cases"][0]["working_days_left"] is not None
    assert client.get(f"/cases/{mine}").status_code == 200


def test_staff_may_not_use_the_applicant_pages(client: TestClient) -> None:
    sign_in(client, "wang")
    assert client.get("/my/applications/new").status_code == 403
    assert client.get("/api/my/cases").status_code == 403


def test_an_uploaded_roster_with_errors_is_refused_row_by_row(client: TestClient, rt: Runtime) -> None:
    sign_in(client, "jyjs")
    token = csrf_of(client, "/my/applications/new")
    bad = _csv([["张三", "4101", "13800000001", "就业重点群体"], ["", "410881199001011234", "x", "其他"]])
    answer = client.post(
        "/my/applications/new",
        data=_form({**APPLICATION, "planned_count": 2}, token),
        files={"roster_file": ("花名册.csv", bad, "text/csv")},
    )
    assert answer.status_code == 422 and "花名册文件有" in answer.text
    table = re.search(r'id="roster-file-errors".*?</table>', answer.text, re.S)
    assert table is not None
    assert re.search(r'<td class="num">3</td>\s*<td>姓名</td>', table.group(0)), table.group(0)
    assert 'value="2026-焊工-31"' in answer.text  # the form keeps what was typed
    readable = _csv(
        [["张三", "410881199001011235", "13800000001", "其他"], ["李四", "4101", "13800000002", "其他"]]
    )
    checked = client.post(
        "/my/applications/new",
        data=_form({**APPLICATION, "planned_count": 2}, token),
        files={"roster_file": ("roster.csv", readable, "text/csv")},
    )
    assert checked.status_code == 422
    rows = re.search(r'id="roster-file-errors".*?</table>', checked.text, re.S)
    assert rows is not None and re.search(r'<td class="num">3</td><td>身份证号</td>', rows.group(0)), (
        rows.group(0)
    )
    assert 'data-field="roster[1].id_number"' in checked.text


def test_a_valid_uploaded_roster_files_the_application(client: TestClient, rt: Runtime) -> None:
    sign_in(client, "jyjs")
    roster = application("upload", 2)["roster"]
    assert isinstance(roster, list)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "联系电话", "人员类别"])
    for t in roster:
        sheet.append([t["name"], t["id_number"], t["phone"], t["group"]])
    buffer = io.BytesIO()
    book.save(buffer)
    token = csrf_of(client, "/my/applications/new")
    answer = client.post(
        "/my/applications/new",
        data=_form({**APPLICATION, "planned_count": 2}, token),
        files={"roster_file": ("roster.xlsx", buffer.getvalue(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert "花名册由上传文件导入" in page.text and roster[0]["id_number"] in page.text


def test_a_typed_roster_files_and_a_missing_token_is_refused(client: TestClient, rt: Runtime) -> None:
    sign_in(client, "jyjs")
    values = application("typed", 1)
    roster = values["roster"]
    assert isinstance(roster, list)
    data = _form({**values, "planned_count": 1}, csrf_of(client, "/my/applications/new"))
    for col in ("name", "id_number", "phone", "group"):
        data[f"roster[0].{col}"] = roster[0][col]
    refused = client.post("/my/applications/new", data={k: v for k, v in data.items() if k != "csrf_token"})
    assert refused.status_code == 403
    answer = client.post("/my/applications/new", data=data, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/cases/")


def test_the_template_downloads_as_xlsx(client: TestClient) -> None:
    sign_in(client, "jyjs")
    answer = client.get("/my/roster-template.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None and sheet["A1"].value == "姓名"


def test_a_returned_application_is_corrected_from_the_last_one(client: TestClient, rt: Runtime) -> None:
    case_id = file_case(rt, "returned")
    back = submit_task(
        rt, case_id=case_id, actor=Actor("wang", "reviewer"), task_key="opening_first_review",
        data={"decision": "return", "comment": "教学计划不完整"},
    )  # fmt: skip
    assert back.ok, back
    sign_in(client, "other")
    assert client.get(f"/my/cases/{case_id}/resubmit").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(client, "/my/cases")})
    sign_in(client, "jyjs")
    assert "修改后重新提交" in client.get("/my/cases").text
    page = client.get(f"/my/cases/{case_id}/resubmit")
    assert page.status_code == 200 and 'value="2026-焊工-31"' in page.text and "理论48课时" in page.text
    form = _filled(page.text)
    assert len([n for n in form if n.endswith(".id_number")]) == 3 and form["class_hours"] == "160"
    form["teaching_plan"] = "理论48课时，实操112课时，附详细进度表"
    form["csrf_token"] = csrf_of(client, "/my/cases")
    answer = client.post(f"/my/cases/{case_id}/resubmit", data=form, follow_redirects=False)
    assert answer.status_code == 303, re.findall(r'role="alert">([^<]+)', answer.text)
    assert "开班审核中" in client.get(f"/cases/{case_id}").text
