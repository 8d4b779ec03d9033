"""The public notice: no sign-in, masked names only, objections CSRF-protected, throttled, with receipts."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from pages_play import add_staff, file_case, play_until
from sqlmodel import Session, select
from web_support import csrf_of

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from domain.calendar import SHANGHAI
from store.tables import CaseRow, RosterEntry
from store.web_tables import ObjectionReceipt
from web.public_notice import THROTTLE_COUNT, receipt_number, receipt_valid

# An 18-character ID number, an 11-digit mobile, a 16–19-digit bank account: none may appear.
PERSONAL = re.compile(r"\d{17}[\dX]|1[3-9]\d{9}|\d{16,19}")


@pytest.fixture
def in_notice(rt: Runtime, clock: VirtualClock, password_hash: str) -> int:
    add_staff(rt, password_hash)
    case_id = file_case(rt)
    play_until(rt, case_id)
    clock.move_to(datetime(2026, 4, 30, 9, 0, tzinfo=SHANGHAI))
    return case_id


def _notice_id(page: str) -> str:
    found = re.search(r'action="/notices/(\d+)/objections"', page)
    assert found is not None, page
    return found.group(1)


def test_the_public_page_shows_the_class_with_masked_names_and_nothing_personal(
    client: TestClient, rt: Runtime, in_notice: int
) -> None:
    page = client.get("/notices")
    assert page.status_code == 200 and "济源技师学院" in page.text and "焊工" in page.text
    with Session(rt.db) as session:
        trainees = session.exec(select(RosterEntry).where(RosterEntry.case_id == in_notice)).all()
    assert len(trainees) == 3
    for t in trainees:
        assert t.id_number not in page.text and t.phone not in page.text and t.name not in page.text
    assert PERSONAL.search(page.text) is None, PERSONAL.search(page.text)
    assert "6222000000000000001" not in page.text and "13800000001" not in page.text
    assert "3,600.00 元" in page.text and "0.36 万元" in page.text and "*" in page.text
    api = client.get("/api/notices")
    assert api.status_code == 200 and PERSONAL.search(api.text) is None
    assert len(api.json()["notices"][0]["names"]) == 3


def test_an_objection_gets_a_receipt_and_moves_the_case_to_investigation(
    client: TestClient, rt: Runtime, in_notice: int
) -> None:
    page = client.get("/notices")
    notice = _notice_id(page.text)
    refused = client.post(f"/notices/{notice}/objections", data={"text": "学员未参训"})
    assert refused.status_code == 403
    answer = client.post(
        f"/notices/{notice}/objections",
        data={"text": "学员未参训", "csrf_token": csrf_of(client, "/notices")},
    )
    assert answer.status_code == 200, answer.text
    receipt = re.search(r'class="receipt">([^<]+)<', answer.text)
    assert receipt is not None and receipt_valid(receipt.group(1))
    with Session(rt.db) as session:
        stored = session.exec(select(ObjectionReceipt)).one()
        case = session.get(CaseRow, in_notice)
    assert stored.receipt == receipt.group(1) and "testclient" not in stored.client
    assert case is not None and case.status == "investigation"


def test_objections_are_throttled_per_client_address(client: TestClient, rt: Runtime, in_notice: int) -> None:
    notice = _notice_id(client.get("/notices").text)
    token = csrf_of(client, "/notices")
    headers = {"X-CSRF-Token": token}
    for n in range(THROTTLE_COUNT):
        answer = client.post(f"/api/notices/{notice}/objections", json={"text": f"异议{n}"}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert receipt_valid(answer.json()["receipt"])
    refused = client.post(f"/api/notices/{notice}/objections", json={"text": "再一条"}, headers=headers)
    assert refused.status_code == 429 and "最多提交" in refused.json()["errors"][0]["message"]
    assert client.post(f"/api/notices/{notice}/objections", json={"text": "x"}).status_code == 403


def test_a_receipt_number_detects_a_mistyped_digit() -> None:
    good = receipt_number(12, 2026)
    assert good.startswith("YY-26-000012-") and receipt_valid(good)
    assert not receipt_valid(good.replace("000012", "000013"))
    assert not receipt_valid("YY-26-x-AB")


def test_no_objection_outside_a_notice(client: TestClient, rt: Runtime, password_hash: str) -> None:
    add_staff(rt, password_hash)
    file_case(rt)
    assert "目前没有处于公示期" in client.get("/notices").text
    token = csrf_of(client, "/notices")
    missing = client.post("/notices/999/objections", data={"text": "x", "csrf_token": token})
    assert missing.status_code == 404
