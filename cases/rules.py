"""Which domain rules guard each human task, and what each task hands to the diagram."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from cases.evidence import evidence_violations
from cases.runtime import Runtime
from domain import headcount
from domain.assessment import check_assessment_request
from domain.certificates import apply_certificates
from domain.errors import Violation
from domain.idnumber import normalize_id_number
from domain.opening import check_opening, field_rank, sort_violations
from domain.records import (
    AssessmentRequest,
    AssessmentResult,
    Disbursement,
    Investigation,
    OpeningApplication,
    OpeningDayCheck,
    PaymentApproval,
    Recovery,
    Review,
    SpotCheck,
    SubsidyClaim,
    TaskInput,
)
from domain.vocab import ApplicantKind
from store.catalogue import DbCatalogue, DbTrainingRegistry
from store.plan import DbPlanBook
from store.tables import CaseRow, RosterEntry, SpotCheckRow

# Form order of the assessment result and of its list items (forms/schemas/assessment_result.json x-order).
ASSESSMENT_RESULT_FIELDS = ("results", "certified_total", "certificates", "satisfaction_pct")
_RESULT_ITEMS = ("row", "id_number", "kind", "participants", "certified", "certificate_no")


def remember_application(case: CaseRow, app: OpeningApplication) -> None:
    """Keep the applicant (hence the payee) and the plan's project type of a valid application on its case."""
    # 004 (三)4: 由个人、企业或培训机构申领 — the payee follows the applicant
    case.applicant_kind = app.applicant_kind.value
    case.credit_code = app.credit_code if app.applicant_kind is ApplicantKind.ENTERPRISE else None
    # 004 attachment 1: 培训计划表 — counted against the plan line of this type
    case.project_type = app.project_type


def _opening_count(case: CaseRow | None) -> int:
    if case is None:
        return 0
    value = case.figures.get("opening_count")
    return int(value) if value is not None else case.planned_count


def check(
    rt: Runtime, session: Session, case: CaseRow | None, task_key: str, value: TaskInput
) -> list[Violation]:
    """Every rule violation of this submission, in form order (empty: accepted; evidence is the last field)."""
    return [*_check(rt, session, case, task_key, value), *evidence_violations(session, case, value)]


def _check(
    rt: Runtime, session: Session, case: CaseRow | None, task_key: str, value: TaskInput
) -> list[Violation]:
    today = rt.today()
    if isinstance(value, OpeningApplication):
        this_case = case.id if case else None
        registry = DbTrainingRegistry(session, excluding_case=this_case)
        registry.prefetch(normalize_id_number(t.id_number) for t in value.roster)
        return check_opening(
            value, filed_on=today, policy=rt.policy, calendar=rt.calendar, registry=registry,
            catalogue=DbCatalogue(session), plan=DbPlanBook(session, excluding_case=this_case),
        )  # fmt: skip
    if isinstance(value, OpeningDayCheck) and case is not None:
        return headcount.check_opening_day(value.actual_count, case.planned_count)
    if isinstance(value, SpotCheck):
        return headcount.check_spot_check(value.attendance, _opening_count(case))
    if isinstance(value, AssessmentRequest) and case is not None:
        # 004 (三)3: requested at least 3 days before the end; held by the end + assessment_window_days
        return check_assessment_request(
            filed_on=today, assessment_date=value.date, end_date=case.end_date, policy=rt.policy
        )
    if isinstance(value, AssessmentResult):
        # 004 attachment 2: 取证总人数 — from the real-name list of certificates when one is given;
        # certified_total checked after the per-kind figures
        value, listed = with_certificates(session, case, value)
        if listed:
            return sorted(listed, key=lambda v: field_rank(v.field, ASSESSMENT_RESULT_FIELDS, _RESULT_ITEMS))
        opening_count = _opening_count(case)
        return sort_violations(
            [
                *headcount.check_assessment_result(value.results, opening_count),
                *headcount.check_certified_total(value.results, value.certified_total, opening_count),
            ],
            ASSESSMENT_RESULT_FIELDS,
        )
    if isinstance(value, SubsidyClaim):
        return headcount.check_claim(value.claimed_count, value.commitment, _opening_count(case))
    return []


def roster_ids(session: Session, case_id: int | None) -> list[str]:
    """The ID numbers of a case's current roster, line 1 first."""
    stmt = (
        select(RosterEntry.id_number)
        .where(RosterEntry.case_id == case_id)
        .order_by(col(RosterEntry.position))
    )
    return list(session.exec(stmt))


def with_certificates(
    session: Session, case: CaseRow | None, value: AssessmentResult
) -> tuple[AssessmentResult, list[Violation]]:
    """The result with its counts derived from its list of certificates (checked against the roster)."""
    if value.certificates is None:
        return value, []
    return apply_certificates(value, roster_ids(session, case.id if case else None))


def spot_attendances(session: Session, case_id: int | None) -> list[int]:
    """Attendances of the spot checks filed so far, in order."""
    stmt = (
        select(SpotCheckRow.attendance).where(SpotCheckRow.case_id == case_id).order_by(col(SpotCheckRow.id))
    )
    return list(session.exec(stmt))


def engine_data(
    session: Session, case: CaseRow | None, task_key: str, value: TaskInput, today: date, actor: str
) -> dict[str, Any]:
    """The small set of scalars the diagram needs from this submission (rosters stay in tables)."""
    data: dict[str, Any] = {"today": today.isoformat(), "actor": actor}
    case_id = case.id if case else None
    match value:
        case OpeningApplication():
            data.update(
                institution=value.institution, occupation=value.occupation, level=value.level.value,
                start_date=value.start_date.isoformat(), end_date=value.end_date.isoformat(),
                planned_count=value.planned_count, key_group=value.key_group,
            )  # fmt: skip
        case Review() | Investigation() | PaymentApproval():
            data.update(decision=value.decision.value, comment=value.comment)
        case OpeningDayCheck():
            data.update(actual_count=value.actual_count)
        case SpotCheck():
            assert case_id is not None  # noqa: S101 - spot checks exist only on a case
            session.add(
                SpotCheckRow(
                    case_id=case_id, checked_on=value.date, place=value.place,
                    teachers_present=value.teachers_present, attendance=value.attendance,
                )
            )  # fmt: skip
            data.update(attendance=value.attendance, spot_attendances=[*spot_attendances(session, case_id)])
        case AssessmentRequest():
            data.update(
                assessment_date=value.date.isoformat(), spot_attendances=spot_attendances(session, case_id)
            )
        case AssessmentResult():
            # 004 attachment 2: 取证总人数 — the diagram's `certified` is the number of certified persons
            # (counted from the list of certificates when one is given; check() has passed it)
            derived, _ = with_certificates(session, case, value)
            data.update(certified=derived.certified, satisfaction_pct=value.satisfaction_pct)
        case SubsidyClaim():
            data.update(claimed_count=value.claimed_count)
        case Disbursement():
            data.update(fund_source=value.fund_source.value)
        case Recovery():
            data.update(recovered_fen=value.recovered_fen, comment=value.comment)
    return data
