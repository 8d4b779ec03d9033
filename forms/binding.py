"""Typed records of domain/records.py built from form data that has passed its schema."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from domain.applicant import normalize_credit_code
from domain.idnumber import normalize_id_number
from domain.records import (
    AssessmentRequest,
    AssessmentResult,
    Certificate,
    Disbursement,
    FraudReport,
    Investigation,
    KindResult,
    Objection,
    OpeningApplication,
    OpeningDayCheck,
    PaymentApproval,
    Recovery,
    Rectification,
    Review,
    SpotCheck,
    SubsidyClaim,
    TaskInput,
    Trainee,
)
from domain.vocab import (
    ApplicantKind,
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

Data = dict[str, Any]


def _opening_application(d: Data) -> OpeningApplication:
    """开班申请 with dates, enums and the roster as trainees (ID numbers normalised: full-width, x)."""
    return OpeningApplication(
        institution=d["institution"],
        contact_name=d["contact_name"],
        contact_phone=d["contact_phone"],
        bank_name=d["bank_name"],
        bank_account=d["bank_account"],
        batch=d["batch"],
        start_date=date.fromisoformat(d["start_date"]),
        end_date=date.fromisoformat(d["end_date"]),
        schedule=Schedule(d["schedule"]),
        class_hours=d["class_hours"],
        practical_hours=d["practical_hours"],
        occupation=d["occupation"],
        level=Level(d["level"]),
        planned_count=d["planned_count"],
        mode=TrainingMode(d["mode"]),
        key_group=d["key_group"],
        roster=tuple(
            Trainee(
                name=t["name"],
                id_number=normalize_id_number(t["id_number"]),
                phone=t["phone"],
                group=t["group"],
            )
            for t in d["roster"]
        ),
        teaching_plan=d["teaching_plan"],
        applicant_kind=ApplicantKind(d.get("applicant_kind", ApplicantKind.INSTITUTION.value)),
        credit_code=normalize_credit_code(d["credit_code"]) if d.get("credit_code") else None,
        project_type=d.get("project_type"),
    )


def _review(d: Data) -> Review:
    """A review step's verdict; the comment defaults to empty."""
    return Review(decision=Decision(d["decision"]), comment=d.get("comment", ""))


def _evidence(d: Data) -> tuple[str, ...]:
    """The hashes of the evidence files the form cites (004 (三)2: 签到记录, 影像资料), in form order."""
    return tuple(d.get("evidence", ()))


def _opening_day_check(d: Data) -> OpeningDayCheck:
    """开班当日检查."""
    return OpeningDayCheck(
        actual_count=d["actual_count"], sign_in=SignIn(d["sign_in"]), materials_kept=d["materials_kept"],
        evidence=_evidence(d),
    )  # fmt: skip


def _spot_check(d: Data) -> SpotCheck:
    """过程抽查."""
    return SpotCheck(
        date=date.fromisoformat(d["date"]),
        place=d["place"],
        teachers_present=d["teachers_present"],
        attendance=d["attendance"],
        evidence=_evidence(d),
    )


def _assessment_request(d: Data) -> AssessmentRequest:
    """结业考核申请."""
    return AssessmentRequest(
        date=date.fromisoformat(d["date"]), kinds=tuple(AssessmentKind(k) for k in d["kinds"])
    )


def _certificate(c: Data) -> Certificate:
    """One line of the list of certificates; an ID number normalised as on the roster (full-width, x)."""
    id_number = c.get("id_number")
    return Certificate(
        kind=AssessmentKind(c["kind"]),
        certificate_no=c["certificate_no"].strip(),
        row=c.get("row"),
        id_number=normalize_id_number(id_number) if id_number else None,
    )


def _assessment_result(d: Data) -> AssessmentResult:
    """结业考核结果; an integral satisfaction is kept as a float.

    With a list of certificates, a kind's 取证人数 may be left out: it is derived from the list
    (domain/certificates.py), and until then counts 0, marked as not stated.
    """
    certificates = d.get("certificates")
    return AssessmentResult(
        results=tuple(
            KindResult(
                kind=AssessmentKind(r["kind"]),
                participants=r["participants"],
                certified=r.get("certified", 0),
                certified_stated="certified" in r,
            )
            for r in d["results"]
        ),
        satisfaction_pct=float(d["satisfaction_pct"]),
        certified_total=d.get("certified_total"),
        certificates=None if certificates is None else tuple(_certificate(c) for c in certificates),
        evidence=_evidence(d),
    )


def _subsidy_claim(d: Data) -> SubsidyClaim:
    """补贴申领; a false commitment passes here and is refused by the domain."""
    return SubsidyClaim(claimed_count=d["claimed_count"], commitment=d["commitment"], evidence=_evidence(d))


def _investigation(d: Data) -> Investigation:
    """异议核查."""
    return Investigation(decision=InvestigationOutcome(d["decision"]), comment=d.get("comment", ""))


def _payment_approval(d: Data) -> PaymentApproval:
    """拨付审核."""
    return PaymentApproval(decision=PaymentDecision(d["decision"]), comment=d.get("comment", ""))


def _disbursement(d: Data) -> Disbursement:
    """资金拨付."""
    return Disbursement(fund_source=FundSource(d["fund_source"]))


def _objection(d: Data) -> Objection:
    """异议 during the notice."""
    return Objection(text=d["text"])


def _fraud(d: Data) -> FraudReport:
    """违规查处."""
    return FraudReport(reason=d["reason"])


def _recovery(d: Data) -> Recovery:
    """追回 after fraud on a paid case."""
    return Recovery(recovered_fen=d["recovered_fen"], comment=d.get("comment", ""))


def _rectification(d: Data) -> Rectification:
    """整改验收."""
    return Rectification(institution=d["institution"], comment=d.get("comment", ""))


BUILDERS: dict[str, Callable[[Data], TaskInput]] = {
    "opening_application": _opening_application,
    "opening_first_review": _review,
    "opening_recheck": _review,
    "opening_approval": _review,
    "opening_day_check": _opening_day_check,
    "spot_check": _spot_check,
    "assessment_request": _assessment_request,
    "assessment_result": _assessment_result,
    "subsidy_claim": _subsidy_claim,
    "claim_first_review": _review,
    "claim_recheck": _review,
    "objection_investigation": _investigation,
    "payment_approval": _payment_approval,
    "disbursement": _disbursement,
    "objection": _objection,
    "fraud": _fraud,
    "recovery": _recovery,
    "rectification": _rectification,
}


def bind(form_id: str, data: Data) -> TaskInput:
    """The typed record of a form whose data has passed the form's schema."""
    return BUILDERS[form_id](data)
