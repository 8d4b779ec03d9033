"""The payment order carries its payee: kind, name and account of the case's latest valid application.

004 (三)4: 补贴资金由个人、企业或培训机构申领; 001 二(三): 直补企业. The account is personal data: it is
never in the order's repr, and shows only masked (domain of 004 (三)4 个人隐私不予公示).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlmodel import select

from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.tables import CaseEvent, Payment
from workflows.gateway import PaymentOrder, mask_account

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
HAPPY = CONTRACT / "examples" / "01_happy_path.yaml"
ENTERPRISE = CONTRACT / "examples-v2" / "05_enterprise_certified_total.yaml"


def _play(text: str) -> tuple[ScenarioRun, dict[str, Any]]:
    run = ScenarioRun(parse_scenario(text, "payee.yaml"), text, BusinessCalendar())
    return run, run.run()


def _order(text: str) -> tuple[PaymentOrder, Payment, str]:
    run, result = _play(text)
    try:
        case_id = run.cases["main"]
        assert case_id is not None
        assert result["cases"]["main"]["status"] == "paid", result
        order = run.gateway.order_for(case_id)
        assert order is not None
        with run.rt.session() as session:
            payment = session.exec(select(Payment).where(Payment.case_id == case_id)).one()
            events = [e.payload for e in session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        return order, payment, repr(events)
    finally:
        run.close()


def test_an_institution_is_paid_to_the_account_of_its_application() -> None:
    order, payment, _ = _order(HAPPY.read_text(encoding="utf-8"))
    assert (order.payee_kind, order.payee_name) == ("institution", "济源技师学院")
    assert (order.bank_name, order.bank_account) == ("中国工商银行济源分行", "6222000000000000001")
    assert (payment.payee_kind, payment.payee_name, payment.bank_account) == (
        "institution", "济源技师学院", "6222000000000000001",
    )  # fmt: skip


def test_an_enterprise_is_paid_directly() -> None:
    # 001 二(三): 直补企业 — the enterprise named in the application, to its own account
    order, _payment, _ = _order(ENTERPRISE.read_text(encoding="utf-8"))
    assert (order.payee_kind, order.payee_name) == ("enterprise", "济源示例钢铁有限公司")
    assert order.bank_account == "6227000000000000002"


def _individual() -> dict[str, Any]:
    """The happy path as a person's own application: one trainee, paid to the person's account."""
    doc: dict[str, Any] = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    steps = doc["steps"]
    steps[0]["data"].update(
        applicant_kind="individual", planned_count=1, roster=[{"name": "王小明", "id_number": "110105199003070017",
        "phone": "13900000009", "group": "失业人员"}], bank_name="中国农业银行济源分行",
        bank_account="6228480000000000077",
    )  # fmt: skip
    counts = {"opening_day_check": {"actual_count": 1}, "spot_check": {"attendance": 1}, "subsidy_claim":
              {"claimed_count": 1}}  # fmt: skip
    for step in steps:
        step["data"].update(counts.get(step["task"], {}))
        if step["task"] == "assessment_result":
            step["data"]["results"] = [{"kind": "职业技能等级认定", "participants": 1, "certified": 1}]
    del doc["expect"]
    return doc


def test_an_individual_is_paid_under_the_trainees_name() -> None:
    doc = _individual()
    order, payment, events = _order(yaml.safe_dump(doc, allow_unicode=True))
    assert (order.payee_kind, order.payee_name) == ("individual", "王小明")
    assert (order.bank_name, order.bank_account) == ("中国农业银行济源分行", "6228480000000000077")
    assert payment.payee_name == "王小明"
    # the account is in no event at all: the application's carries its salted reference (store/personal.py)
    assert events.count("6228480000000000077") == 0 and events.count("'bank_account': {'$pd': '") == 1


def test_a_corrected_application_changes_the_account_paid_to() -> None:
    doc = _individual()
    first = doc["steps"][0]
    corrected = {**first, "at": "2026-03-03T08:00:00+08:00", "data": {**first["data"], "bank_account":
                 "6228480000000000088"}}  # fmt: skip
    doc["steps"][1:1] = [
        {"at": "2026-03-02T10:00:00+08:00", "actor": {"user": "wang", "role": "reviewer"},
         "task": "opening_first_review", "data": {"decision": "return", "comment": "请核对账号"}},
        corrected,
    ]  # fmt: skip
    order, _payment, _ = _order(yaml.safe_dump(doc, allow_unicode=True))
    assert order.bank_account == "6228480000000000088"


def test_the_account_never_shows_whole() -> None:
    order = PaymentOrder("k", 1, 100, "就业补助资金", "individual", "王小明", "农行", "6228480000000000077")
    assert "6228480000000000077" not in repr(order)
    assert order.masked_account == "***************0077"
    assert mask_account("123") == "***"
