"""Every form of the contract's example scenarios validates into the right typed record."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.records import (
    AssessmentRequest,
    AssessmentResult,
    Disbursement,
    FraudReport,
    Investigation,
    Objection,
    OpeningApplication,
    OpeningDayCheck,
    PaymentApproval,
    Review,
    SpotCheck,
    SubsidyClaim,
    Trainee,
)
from domain.vocab import (
    AssessmentKind,
    Decision,
    FundSource,
    InvestigationOutcome,
    Level,
    PaymentDecision,
    Schedule,
    SignIn,
    TrainingMode,
)
from forms.validator import validate

# The nearest shared/ above this file: /work/shared, also from the copy mutation testing runs in
# (/work/main/mutants/tests/...).
EXAMPLES = next(
    (
        p / "shared" / "scenarios" / "examples"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "scenarios").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples",
)

RECORD_TYPES: dict[str, type] = {
    "opening_application": OpeningApplication,
    "opening_first_review": Review,
    "opening_recheck": Review,
    "opening_approval": Review,
    "opening_day_check": OpeningDayCheck,
    "spot_check": SpotCheck,
    "assessment_request": AssessmentRequest,
    "assessment_result": AssessmentResult,
    "subsidy_claim": SubsidyClaim,
    "claim_first_review": Review,
    "claim_recheck": Review,
    "objection_investigation": Investigation,
    "payment_approval": PaymentApproval,
    "disbursement": Disbursement,
    "objection": Objection,
}


def handwritten_roster(n: int) -> list[dict[str, Any]]:
    """N roster lines standing in for ``roster: {generate: N}``, which the scenario runner resolves."""
    return [
        {
            "name": f"学员{i}",
            "id_number": f"4108811995030{i:05d}",
            "phone": f"139{i:08d}",
            "group": "企业职工",
        }
        for i in range(n)
    ]


def example_steps() -> list[tuple[str, str, dict[str, Any]]]:
    """(step id, task or event id, form data) of every step of the contract's examples."""
    steps = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, step in enumerate(doc["steps"]):
            data = copy.deepcopy(step["data"])
            if isinstance(data.get("roster"), dict):
                data["roster"] = handwritten_roster(data["roster"]["generate"])
            steps.append((f"{path.stem}#{index}", step.get("task") or step["event"], data))
    return steps


STEPS = example_steps()


def test_the_examples_are_there() -> None:
    assert len({s[0].split("#")[0] for s in STEPS}) >= 4
    assert {task for _, task, _ in STEPS} == set(RECORD_TYPES)


@pytest.mark.parametrize(("task_id", "data"), [(t, d) for _, t, d in STEPS], ids=[s[0] for s in STEPS])
def test_every_example_step_is_accepted(task_id: str, data: dict[str, Any]) -> None:
    result = validate(task_id, data)
    assert result.ok, result.errors
    assert result.errors == ()
    assert type(result.value) is RECORD_TYPES[task_id]


def test_opening_application_becomes_a_typed_record(application: dict[str, Any]) -> None:
    record = validate("opening_application", application).unwrap()
    assert isinstance(record, OpeningApplication)
    assert record.start_date == date(2026, 11, 16)
    assert record.end_date == date(2026, 12, 25)
    assert record.schedule is Schedule.FULL_TIME
    assert record.level is Level.INTERMEDIATE
    assert record.mode is TrainingMode.SELF
    assert record.key_group is False
    assert (record.class_hours, record.practical_hours, record.planned_count) == (120, 84, 3)
    assert record.roster[1] == Trainee("钱二", "410881199503020127", "13900000012", "企业职工")
    assert isinstance(record.roster, tuple)
    assert record.bank_account == "6222000000000000001"
    assert record.teaching_plan == "理论36课时，实操84课时"


def test_the_later_forms_become_typed_records() -> None:
    assert validate(
        "opening_day_check", {"actual_count": 40, "sign_in": "face", "materials_kept": True}
    ).value == (OpeningDayCheck(40, SignIn.FACE, True))
    spot = {"date": date(2026, 3, 25), "place": "实训车间2", "teachers_present": 2, "attendance": 39}
    assert validate("spot_check", spot).value == SpotCheck(date(2026, 3, 25), "实训车间2", 2, 39)
    request = {"date": "2026-04-21", "kinds": ["职业技能等级认定", "结业考核"]}
    assert validate("assessment_request", request).value == AssessmentRequest(
        date(2026, 4, 21), (AssessmentKind.SKILL_LEVEL, AssessmentKind.COMPLETION)
    )
    outcome = {"results": [{"kind": "结业考核", "participants": 40, "certified": 37}], "satisfaction_pct": 96}
    result = validate("assessment_result", outcome).unwrap()
    assert isinstance(result, AssessmentResult)
    assert result.certified == 37
    assert result.satisfaction_pct == 96.0
    assert isinstance(result.satisfaction_pct, float)
    assert validate("disbursement", {"fund_source": "失业保险基金"}).value == Disbursement(
        FundSource.UNEMPLOYMENT_INSURANCE
    )


def test_the_comment_defaults_to_empty() -> None:
    assert validate("opening_first_review", {"decision": "return"}).value == Review(Decision.RETURN, "")
    assert validate(
        "payment_approval", {"decision": "reject", "comment": "材料不全"}
    ).value == PaymentApproval(PaymentDecision.REJECT, "材料不全")
    assert validate("objection_investigation", {"decision": "upheld_return"}).value == Investigation(
        InvestigationOutcome.UPHELD_RETURN, ""
    )


def test_the_events_become_typed_records() -> None:
    assert validate("objection", {"text": "有学员未参加培训"}).value == Objection("有学员未参加培训")
    assert validate("fraud", {"reason": "伪造签到记录"}).value == FraudReport("伪造签到记录")
