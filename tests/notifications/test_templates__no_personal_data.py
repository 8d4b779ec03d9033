"""No message ever carries an ID number, a phone or a bank account, whatever the context holds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from notifications.outbox import CaseFacts, StepFacts, TaskFacts, messages_for_step
from notifications.redaction import redact
from notifications.templates import TEMPLATES, Kind, fields, render

ID_NUMBER, PHONE, ACCOUNT, LANDLINE = (
    "410881199003071234",
    "13800000001",
    "6222000000000000001",
    "0391-6612345",
)
PERSONAL = {"id_number": ID_NUMBER, "phone": PHONE, "bank_account": ACCOUNT, "contact_phone": PHONE}
LONG_NUMBER = re.compile(r"\d{7,}")


def _context(kind: Kind) -> dict[str, object]:
    """Every field of the template, each hiding personal numbers, and the personal fields themselves."""
    values = {
        name: f"{name} {ID_NUMBER} 电话{PHONE} 账号{ACCOUNT} 座机{LANDLINE}"
        for name in fields(TEMPLATES[kind])
    }
    return {**PERSONAL, **values}


@pytest.mark.parametrize("kind", list(Kind))
def test_a_rendering_never_outputs_personal_numbers(kind: Kind) -> None:
    rendered = render(kind, _context(kind))
    for text in (rendered.title, rendered.body):
        for secret in (ID_NUMBER, PHONE, ACCOUNT, "6612345", ID_NUMBER[:14]):
            assert secret not in text
        assert LONG_NUMBER.search(text.replace("*", "")) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系电话 138 0000 0001", "联系电话 *******0001"),
        ("账号 6222 0000 0000 0000 001", "账号 ***************0001"),
        ("身份证41088119900307123X有误", "身份证**************123X有误"),
        ("全角１３８０００００００１", "全角*******０００１"),
        ("座机 0391-6612345", "座机 *******2345"),
    ],
)
def test_numbers_are_masked_however_they_are_written(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_dates_amounts_and_labels_stay() -> None:
    text = "公示期 2026-04-30 至 2026-05-07，金额 44,400.00 元，班级 2026-焊工-31，共 40 人"
    assert redact(text) == text


def test_a_template_needs_its_fields() -> None:
    with pytest.raises(ValueError, match="needs"):
        render(Kind.PAID, {"case_label": "x"})


def test_a_returned_reason_quoting_a_phone_is_masked_in_the_message() -> None:
    case = CaseFacts(3, "2026-焊工-31", "济源技师学院", "jyjs")
    step = StepFacts(
        case=case, seq=4, event_type="task_completed", completed="opening_first_review",
        payload={"form": {"decision": "return", "comment": f"学员身份证 {ID_NUMBER} 与电话 {PHONE} 不符", **PERSONAL}},
        ran=(), sla_fired=(), figures={}, newly_ready=(TaskFacts("opening_application", "开班申请", "applicant"),),
        ready=(TaskFacts("opening_application", "开班申请", "applicant"),),
    )  # fmt: skip
    [message] = messages_for_step(step)
    assert message.kind is Kind.RETURNED and message.to.user == "jyjs"
    assert "学员身份证 **************1234 与电话 *******0001 不符" in message.rendered.body
    assert ID_NUMBER not in repr(message.rendered) and PHONE not in repr(message.rendered)


def test_an_sla_breach_escalates_to_the_approvers_and_the_waiting_roles() -> None:
    case = CaseFacts(3, "2026-焊工-31", "济源技师学院", "jyjs")
    waiting = (TaskFacts("opening_recheck", "开班复核", "rechecker"),)
    due = datetime(2026, 3, 6, 15, 59, 59, tzinfo=UTC)
    step = StepFacts(
        case=case, seq=5, event_type="timers_fired", completed=None, payload={}, ran=(),
        sla_fired=(("opening_review", due),), figures={}, newly_ready=(), ready=waiting,
    )  # fmt: skip
    messages = messages_for_step(step)
    assert [(m.kind, m.to.role) for m in messages] == [
        (Kind.ESCALATION, "approver"),
        (Kind.ESCALATION, "rechecker"),
    ]
    assert "开班审核" in messages[0].rendered.title and "开班复核" in messages[0].rendered.body
    assert "2026年3月6日" in messages[0].rendered.body
