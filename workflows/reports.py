"""The monthly progress report (004 三(一): 每月6日前报送上月培训进度), computed, written and kept.

Figures by institution and occupation for the month: classes opened, trainees, certificates of
classes that ended, amounts paid, SLA breaches; and progress against the year's plan
(store/plan.py ``plan_progress``). Written as XLSX (openpyxl) and PDF (workflows/report_pdf.py),
kept in the ``report`` table with their sha256, once per month: the web app serves them later.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session, col, select

from cases.runtime import Runtime
from domain.calendar import SHANGHAI
from domain.money import format_yuan
from store.orchestration_tables import ReportFile
from store.plan import PlanProgress, plan_progress
from store.tables import CaseRow, Payment, SlaBreach

MONTHLY = "monthly_progress"
NOT_LIVE = ("rejected", "cancelled", "draft")
HEADERS = ("培训机构", "职业（工种）", "开班数", "培训人数", "取证人数", "拨付金额（元）", "超时（SLA）次数")
PLAN_HEADERS = ("培训机构", "项目类型", "计划人数", "已用", "剩余", "完成率")


@dataclass
class Line:
    """One institution and occupation's figures for the month."""

    classes: int = 0
    trainees: int = 0
    certified: int = 0
    paid_fen: int = 0
    breaches: int = 0


@dataclass
class MonthlyReport:
    """The report's figures: lines by (institution, occupation), totals, the plan's progress."""

    period: str
    lines: dict[tuple[str, str], Line] = field(default_factory=dict)
    plan: list[PlanProgress] = field(default_factory=list)

    def total(self) -> Line:
        """The sums over every line."""
        out = Line()
        for line in self.lines.values():
            out.classes += line.classes
            out.trainees += line.trainees
            out.certified += line.certified
            out.paid_fen += line.paid_fen
            out.breaches += line.breaches
        return out


def previous_month(today: date) -> str:
    """The month a report made on ``today`` covers (the one before), as YYYY-MM."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def _bounds(period: str) -> tuple[date, date, datetime, datetime]:
    year, month = (int(p) for p in period.split("-"))
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)  # noqa: PLR2004 - December
    start = datetime(first.year, first.month, 1, tzinfo=SHANGHAI)
    end = datetime(after.year, after.month, 1, tzinfo=SHANGHAI)
    return first, after, start, end


def compute(session: Session, period: str) -> MonthlyReport:
    """The month's figures, read from the case, payment and breach tables."""
    first, after, start, end = _bounds(period)
    report = MonthlyReport(period)

    def line(case: CaseRow) -> Line:
        return report.lines.setdefault((case.institution, case.occupation), Line())

    opened = select(CaseRow).where(
        col(CaseRow.start_date) >= first,
        col(CaseRow.start_date) < after,
        col(CaseRow.status).not_in(NOT_LIVE),
    )
    for case in session.exec(opened):
        figures = line(case)
        figures.classes += 1
        figures.trainees += int(case.figures.get("opening_count") or case.planned_count)
    ended = select(CaseRow).where(
        col(CaseRow.end_date) >= first, col(CaseRow.end_date) < after, col(CaseRow.status).not_in(NOT_LIVE)
    )
    for case in session.exec(ended):
        line(case).certified += int(case.figures.get("certified") or 0)
    paid = select(CaseRow, Payment.amount_fen).join(Payment, col(Payment.case_id) == col(CaseRow.id))
    paid = paid.where(Payment.status == "paid", col(Payment.paid_at) >= start, col(Payment.paid_at) < end)
    for case, amount in session.exec(paid):
        line(case).paid_fen += amount
    breaches = select(CaseRow).join(SlaBreach, col(SlaBreach.case_id) == col(CaseRow.id))
    for case in session.exec(breaches.where(col(SlaBreach.due) >= start, col(SlaBreach.due) < end)):
        line(case).breaches += 1
    report.lines = dict(sorted(report.lines.items()))
    report.plan = plan_progress(session, first.year)
    return report


def _ratio(progress: PlanProgress) -> str:
    return f"{progress.used / progress.line.quota:.0%}" if progress.line.quota else "-"


def to_xlsx(report: MonthlyReport) -> bytes:
    """The report as a workbook: the month by institution and occupation, and the year's plan."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = "月度进度"
    sheet.append([f"补贴性职业技能培训月度进度报表（{report.period}）"])
    sheet.append(list(HEADERS))
    for (institution, occupation), f in report.lines.items():
        sheet.append(
            [institution, occupation, f.classes, f.trainees, f.certified, f.paid_fen / 100, f.breaches]
        )
    t = report.total()
    sheet.append(["合计", "", t.classes, t.trainees, t.certified, t.paid_fen / 100, t.breaches])
    for cell in (*sheet[2], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3, min_col=6, max_col=6):
        row[0].number_format = "#,##0.00"
    plan = book.create_sheet("年度计划进度")
    plan.append(list(PLAN_HEADERS))
    for p in report.plan:
        plan.append(
            [p.line.institution, p.line.project_type or "全部", p.line.quota, p.used, p.remaining, _ratio(p)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_rows(report: MonthlyReport) -> list[tuple[str, ...]]:
    """The plan's progress as text cells (the PDF's table)."""
    return [
        (
            p.line.institution,
            p.line.project_type or "全部",
            str(p.line.quota),
            str(p.used),
            str(p.remaining),
            _ratio(p),
        )
        for p in report.plan
    ]


def month_rows(report: MonthlyReport) -> list[tuple[str, ...]]:
    """The month's lines and total as text cells (the PDF's table)."""
    rows = [
        (i, o, str(f.classes), str(f.trainees), str(f.certified), format_yuan(f.paid_fen), str(f.breaches))
        for (i, o), f in report.lines.items()
    ]
    t = report.total()
    return [
        *rows,
        (
            "合计",
            "",
            str(t.classes),
            str(t.trainees),
            str(t.certified),
            format_yuan(t.paid_fen),
            str(t.breaches),
        ),
    ]


def keep(session: Session, period: str, fmt: str, content: bytes, now: datetime) -> ReportFile:
    """Store a report file (replacing an earlier one of the same month and format)."""
    row = session.exec(
        select(ReportFile).where(
            ReportFile.kind == MONTHLY, ReportFile.period == period, ReportFile.format == fmt
        )
    ).first() or ReportFile(
        kind=MONTHLY, period=period, format=fmt, filename="", content=b"", sha256="", created_at=now
    )
    row.filename = f"月度进度报表-{period}.{fmt}"
    row.content, row.sha256, row.created_at = content, hashlib.sha256(content).hexdigest(), now
    session.add(row)
    return row


def kept(rt: Runtime, period: str) -> dict[str, str]:
    """The formats kept for a month, with their sha256."""
    with rt.session() as session:
        rows = session.exec(select(ReportFile).where(ReportFile.kind == MONTHLY, ReportFile.period == period))
        return {r.format: r.sha256 for r in rows}


def monthly_report_files(
    rt: Runtime, period: str | None = None, *, pdf: bool = True, replace: bool = False
) -> dict[str, str]:
    """Compute, write and keep the month's report (default: last month); once unless ``replace``: format → sha256."""
    period = period or previous_month(rt.today())
    _bounds(period)  # a malformed period fails here, before any work
    existing = kept(rt, period)
    wanted = ("xlsx", "pdf") if pdf else ("xlsx",)
    if not replace and all(f in existing for f in wanted):
        return existing
    if pdf:
        from workflows.report_pdf import require_cjk_fonts

        require_cjk_fonts()  # before any work: a PDF without a CJK font would print empty boxes
    with rt.session() as session:
        report = compute(session, period)
        files = {"xlsx": to_xlsx(report)}
        if pdf:
            from workflows.report_pdf import to_pdf

            files["pdf"] = to_pdf(report, month_rows(report), plan_rows(report))
        for fmt, content in files.items():
            keep(session, period, fmt, content, rt.now())
        session.commit()
    return kept(rt, period)


def report_file(session: Session, period: str, fmt: str) -> ReportFile | None:
    """A kept monthly report (the web app's download: ``filename``, ``content``, ``sha256``), or None."""
    return session.exec(
        select(ReportFile).where(
            ReportFile.kind == MONTHLY, ReportFile.period == period, ReportFile.format == fmt
        )
    ).first()
