"""The year's plan in the database (004 attachment 1: 培训计划表, 任务分配): quotas used and given back."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from domain.idnumber import check_digit
from domain.plan import PlanLine
from domain.vocab import InstitutionStatus
from store.catalogue import DbCatalogue, DbTrainingRegistry, add_enterprises, add_training_records
from store.plan import DbPlanBook, add_plan_lines, plan_progress
from store.tables import CaseRow, DeploymentRow, RosterEntry

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SCHOOL = "济源技师学院"


def _case(
    session: Session,
    planned: int,
    status: str,
    *,
    start: date = date(2026, 3, 9),
    project_type: str | None = None,
    institution: str = SCHOOL,
    approved: bool = True,
) -> int:
    if session.get(DeploymentRow, "d" * 64) is None:
        session.add(DeploymentRow(id="d" * 64, policy={}, created_at=AT))
        session.flush()
    case = CaseRow(
        label="c", deployment_id="d" * 64, process_id="p", applicant="a", institution=institution, occupation="焊工",
        level="中级工", batch="b", start_date=start, end_date=start, planned_count=planned, status=status,
        project_type=project_type, opening_approved=approved, snapshot="{}", digest="x", created_at=AT, updated_at=AT,
    )  # fmt: skip
    session.add(case)
    session.flush()
    assert case.id is not None
    return case.id


def test_progress_by_institution_and_type_gives_back_rejected_classes(sqlite_db: Engine) -> None:
    """Live classes use the plan; rejected, cancelled and stopped ones give their places back."""
    with Session(sqlite_db) as session:
        add_plan_lines(
            session,
            [
                PlanLine(2026, SCHOOL, 100),
                PlanLine(2026, SCHOOL, 30, "技能提升"),
                PlanLine(2026, "其他学校", 5),
            ],
        )
        add_plan_lines(session, [PlanLine(2026, SCHOOL, 90)])  # the same line again: its quota replaced
        _case(session, 40, "training")
        _case(session, 20, "opening_review", project_type="技能提升")
        for status in ("rejected", "cancelled", "stopped"):
            _case(session, 45, status)
        _case(session, 50, "paid", start=date(2025, 12, 1))  # another year
        _case(session, 7, "returned", institution="其他学校")
        session.commit()
        progress = {(p.line.institution, p.line.project_type): p for p in plan_progress(session, 2026)}
        assert progress[(SCHOOL, None)].used == 60
        assert progress[(SCHOOL, None)].remaining == 30
        assert progress[(SCHOOL, "技能提升")].used == 20
        assert progress[("其他学校", None)].remaining == -2
        assert [p.line.quota for p in plan_progress(session, 2026, SCHOOL)] == [90, 30]


def test_the_plan_book_leaves_out_the_case_being_corrected(sqlite_db: Engine) -> None:
    """A correction counts the case once, with its new planned_count."""
    with Session(sqlite_db) as session:
        add_plan_lines(session, [PlanLine(2026, SCHOOL, 50, "技能提升")])
        this = _case(session, 40, "returned", project_type="技能提升")
        _case(session, 5, "approved")
        book = DbPlanBook(session, excluding_case=this)
        assert [line.quota for line in book.plan_lines(SCHOOL, 2026)] == [50]
        assert [c.planned_count for c in book.other_classes(SCHOOL, 2026)] == [5]
        assert len(DbPlanBook(session).other_classes(SCHOOL, 2026)) == 2


def test_lifetime_count_and_enterprise_statuses(sqlite_db: Engine) -> None:
    """002 cap: records plus approved cases not rejected, cancelled or stopped; enterprises by credit code."""
    first17 = "41088119900505011"
    person = first17 + check_digit(first17)
    with Session(sqlite_db) as session:
        add_training_records(session, [(" " + person.lower(), 2019, "电工"), (person, 2020, "焊工")])
        for status, approved in (("paid", True), ("stopped", True), ("opening_review", False)):
            case_id = _case(session, 1, status, approved=approved)
            session.add(
                RosterEntry(case_id=case_id, position=0, name="甲", id_number=person, phone="1", group="g")
            )
        add_enterprises(session, [("某公司", "91419001ma3x5r7lxj", InstitutionStatus.ACTIVE)])
        add_enterprises(session, [("某公司（新名）", "91419001MA3X5R7LXJ", InstitutionStatus.BLACKLISTED)])
        session.commit()
        registry = DbTrainingRegistry(session)
        assert registry.subsidies_count(person) == 3  # two records + the paid case (stopped gives it back)
        assert registry.trained_in_year(person, 2026)  # a stopped case still counts for the year (v1)
        catalogue = DbCatalogue(session)
        assert catalogue.enterprise_status("91419001MA3X5R7LXJ") is InstitutionStatus.BLACKLISTED
        assert catalogue.enterprise_status("91410000000000000X") is None
