"""The simulation's report: the year under the current deployment beside a proposed one.

Figures per variant (`Summary`), then three renderings: a rich table for the terminal, an XLSX
workbook (openpyxl) and a PDF with bar charts drawn as inline SVG (weasyprint, WenQuanYi Zen Hei).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from openpyxl import Workbook
from rich.table import Table

from cli.simulation import STAGE_NAMES, STAGES, StreamOutcome
from forms.catalogue import load_schema
from forms.task_definitions import CASE_STATUSES

# the applicant kinds as the application form titles them, the statuses as every page names them
KIND_NAMES: dict[str, str] = load_schema("opening_application")["properties"]["applicant_kind"][
    "x-enum-titles"
]
RULE_NAMES = {"opening_review": "开班审核超时", "claim_review": "补贴审核超时", "payment": "拨付超时"}
STATUS_NAMES = {
    "paid": "已拨付", "cancelled": "开班取消", "rejected": "不予受理/驳回", "stopped": "违规终止",
    "draft": "申请未受理", "payment": "待拨付", "notice": "公示中", "investigation": "异议核查",
}  # fmt: skip


@dataclass
class Summary:
    """One variant's year in figures."""

    name: str
    cases: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    breaches: Counter[str] = field(default_factory=Counter)
    application_refusals: Counter[str] = field(default_factory=Counter)
    other_refusals: Counter[str] = field(default_factory=Counter)
    decided_fen: int = 0
    paid_fen: int = 0
    paid_by_level: Counter[str] = field(default_factory=Counter)
    suspended: list[str] = field(default_factory=list)
    stage_days: dict[str, list[int]] = field(default_factory=dict)
    quota: int = 0
    quota_used: int = 0
    full_quota: int = 0  # institutions at or over their quota
    refused_labels: set[str] = field(default_factory=set)
    status_of: dict[str, str] = field(default_factory=dict)


def summarize(name: str, streams: list[StreamOutcome]) -> Summary:
    """The figures of one variant's played year."""
    out = Summary(name, stage_days={s: [] for s in STAGES})
    for stream in streams:
        if stream.status in ("suspended", "blacklisted"):
            out.suspended.append(stream.institution)
        if stream.quota is not None:
            out.quota += stream.quota
            out.quota_used += stream.quota_used
            out.full_quota += stream.quota_used >= stream.quota
        for case in stream.cases:
            out.cases += 1
            out.statuses[case.status] += 1
            out.status_of[case.label] = case.status
            out.breaches.update(case.breaches)
            for task, code in case.refusals:
                if task == "opening_application":
                    out.application_refusals[code] += 1
                    out.refused_labels.add(case.label)
                elif (
                    case.status != "draft"
                ):  # the steps after a refused application are refused as a matter of course
                    out.other_refusals[code] += 1
            out.decided_fen += case.amount_fen
            out.paid_fen += case.paid_fen
            out.paid_by_level[case.level] += case.paid_fen
            for stage, days in case.stage_days.items():
                out.stage_days[stage].append(days)
    return out


def wan(fen: int) -> str:
    """Fen as 万元 with two decimals."""
    return f"{fen / 1_000_000:,.2f}"


def _median_p90(values: list[int]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    return f"{statistics.median(ordered):.1f} / {ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]}"


def rows(current: Summary, proposed: Summary) -> list[tuple[str, str, str, str]]:
    """(section, item, current, proposed): the comparison every rendering shows."""
    out: list[tuple[str, str, str, str]] = [("总量", "案件数", str(current.cases), str(proposed.cases))]
    for status in sorted(set(current.statuses) | set(proposed.statuses), key=lambda s: -current.statuses[s]):
        out.append(
            (
                "结果",
                STATUS_NAMES.get(status, status),
                str(current.statuses[status]),
                str(proposed.statuses[status]),
            )
        )
    for rule, label in RULE_NAMES.items():
        out.append(("时限超期", label, str(current.breaches[rule]), str(proposed.breaches[rule])))
    for code in sorted(set(current.application_refusals) | set(proposed.application_refusals)):
        out.append(
            (
                "申请被拒（按错误码）",
                _code_label(code),
                str(current.application_refusals[code]),
                str(proposed.application_refusals[code]),
            )
        )
    for code in sorted(set(current.other_refusals) | set(proposed.other_refusals)):
        out.append(
            (
                "其他被拒步骤",
                _code_label(code),
                str(current.other_refusals[code]),
                str(proposed.other_refusals[code]),
            )
        )
    out += [
        ("金额（万元）", "核定补贴", wan(current.decided_fen), wan(proposed.decided_fen)),
        ("金额（万元）", "实际拨付", wan(current.paid_fen), wan(proposed.paid_fen)),
        ("金额（万元）", "拨付差额", "—", wan(proposed.paid_fen - current.paid_fen)),
        ("机构", "被暂停/列入黑名单", str(len(current.suspended)), str(len(proposed.suspended))),
        ("计划名额", "已用 / 总名额", f"{current.quota_used} / {current.quota}", f"{proposed.quota_used} / {proposed.quota}"),
        ("计划名额", "名额用满的机构", str(current.full_quota), str(proposed.full_quota)),
    ]  # fmt: skip
    for stage in STAGES:
        out.append(("用时（工作日，中位数 / P90）", STAGE_NAMES[stage],
                    _median_p90(current.stage_days[stage]), _median_p90(proposed.stage_days[stage])))  # fmt: skip
    changed = sum(1 for label, s in current.status_of.items() if proposed.status_of.get(label) != s)
    out.append(("差异", "结果不同的案件", "—", str(changed)))
    return out


def rich_table(current: Summary, proposed: Summary) -> Table:
    """The comparison for the terminal."""
    table = Table(title=f"年度模拟：{current.name} 与 {proposed.name} 对比")
    for column in ("类别", "项目", current.name, proposed.name):
        table.add_column(column, justify="right" if column in (current.name, proposed.name) else "left")
    for section, item, a, b in rows(current, proposed):
        style = "bold yellow" if a not in {b, "—"} else None
        table.add_row(section, item, a, b, style=style)
    return table


def _number(text: str) -> str | int | float:
    """A cell as a number when it is one (so a spreadsheet sums it), else as written ("3.0 / 3", "—")."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def write_xlsx(
    path: Path, current: Summary, proposed: Summary, streams: dict[str, list[StreamOutcome]]
) -> None:
    """The comparison, the suspended institutions and every case of both variants, as a workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "对比"
    sheet.append(["类别", "项目", current.name, proposed.name])
    for row in rows(current, proposed):
        sheet.append([_number(cell) for cell in row])
    suspended = book.create_sheet("被暂停机构")
    suspended.append(["方案", "机构"])
    for summary in (current, proposed):
        for name in summary.suspended:
            suspended.append([summary.name, name])
    for name, played in streams.items():
        cases = book.create_sheet(f"案件-{name}"[:31])
        cases.append(["案件", "机构", "等级", "申请人类型", "状态", "人数", "核定人数", "金额（元）", "已拨付（元）",
                      "超期", "被拒步骤", *(STAGE_NAMES[s] + "（工作日）" for s in STAGES)])  # fmt: skip
        for stream in played:
            for c in stream.cases:
                cases.append([c.label, c.institution, c.level, KIND_NAMES.get(c.kind, c.kind),
                              CASE_STATUSES.get(c.status, c.status), c.planned, c.eligible,
                              c.amount_fen / 100, c.paid_fen / 100, "、".join(c.breaches),
                              "、".join(f"{t}:{code}" for t, code in c.refusals),
                              *(c.stage_days.get(s) for s in STAGES)])  # fmt: skip
    book.save(path)


def _bars(title: str, labels: list[str], a: list[float], b: list[float], names: tuple[str, str]) -> str:
    """A grouped bar chart as inline SVG (two variants side by side per label)."""
    width, row_h, left = 640, 26, 170
    top = max([*a, *b, 1.0])
    height = 40 + row_h * len(labels) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="11">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>']  # fmt: skip
    for i, label in enumerate(labels):
        y = 30 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>')
        for j, (value, colour) in enumerate(((a[i], "#4e79a7"), (b[i], "#f28e2b"))):
            w = (width - left - 90) * value / top
            parts.append(f'<rect x="{left}" y="{y + j * 11}" width="{w:.1f}" height="10" fill="{colour}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + j * 11 + 9}">{value:,.0f}</text>')
    y = height - 12
    parts.append(
        f'<rect x="{left}" y="{y - 9}" width="10" height="10" fill="#4e79a7"/><text x="{left + 14}" y="{y}">{escape(names[0])}</text>'
    )
    parts.append(
        f'<rect x="{left + 200}" y="{y - 9}" width="10" height="10" fill="#f28e2b"/><text x="{left + 214}" y="{y}">{escape(names[1])}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def write_pdf(path: Path, current: Summary, proposed: Summary, note: str) -> None:
    """The comparison as an A4 PDF with charts (CJK font: WenQuanYi Zen Hei, Noto CJK as fallback)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # imported here: a terminal-only run does not pay for it

    names = (current.name, proposed.name)
    charts = [
        _bars("时限超期（次）", list(RULE_NAMES.values()), [current.breaches[r] for r in RULE_NAMES],
              [proposed.breaches[r] for r in RULE_NAMES], names),
        _bars("拨付金额（万元，按等级）", sorted(set(current.paid_by_level) | set(proposed.paid_by_level)),
              [current.paid_by_level[k] / 1_000_000 for k in sorted(set(current.paid_by_level) | set(proposed.paid_by_level))],
              [proposed.paid_by_level[k] / 1_000_000 for k in sorted(set(current.paid_by_level) | set(proposed.paid_by_level))], names),
    ]  # fmt: skip
    codes = sorted(set(current.application_refusals) | set(proposed.application_refusals))
    if codes:
        charts.append(_bars("申请被拒（按错误码）", [_code_label(c) for c in codes],
                            [current.application_refusals[c] for c in codes],
                            [proposed.application_refusals[c] for c in codes], names))  # fmt: skip
    body = "".join(
        f"<tr><td>{escape(s)}</td><td>{escape(i)}</td><td class=n>{escape(a)}</td><td class=n>{escape(b)}</td></tr>"
        for s, i, a, b in rows(current, proposed)
    )
    suspended = "、".join(proposed.suspended) or "无"
    html = f"""<html><head><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 16mm; @bottom-center {{ content: counter(page); font-family: 'WenQuanYi Zen Hei'; }} }}
      body {{ font-family: 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif; font-size: 10pt; }}
      table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #999; padding: 2px 5px; }}
      td.n {{ text-align: right; }} svg {{ margin: 8px 0; }}
    </style></head><body>
    <h1>政策调整年度模拟报告</h1><p>{escape(note)}</p>
    <table><tr><th>类别</th><th>项目</th><th>{escape(names[0])}</th><th>{escape(names[1])}</th></tr>{body}</table>
    <p>拟议方案下被暂停或列入黑名单的机构：{escape(suspended)}</p>
    {"".join(charts)}
    </body></html>"""
    HTML(string=html).write_pdf(path)


CODE_NAMES = {
    "quota_exceeded": "超出计划名额", "class_too_large": "班级人数超限", "practical_share_low": "实操课时占比不足",
    "too_late": "申请逾期", "institution_blocked": "机构已暂停或列入黑名单", "trained_this_year": "本年度已参训",
    "no_such_task": "无此待办", "trainee_ineligible": "学员年龄不符", "duration_too_long": "培训期过长",
    "invalid_field": "填写有误", "counts_inconsistent": "人数不一致", "subsidy_cap_reached": "补贴次数已满",
    "project_unpublished": "项目未公布", "calendar_missing": "缺少日历数据", "forbidden": "无权办理",
    "four_eyes": "复核人与初审人相同", "roster_mismatch": "花名册人数不符", "id_number_invalid": "身份证号无效",
    "policy_missing": "无生效政策", "integrity": "完整性校验未通过", "conflict": "并发冲突",
}  # fmt: skip


def _code_label(code: str) -> str:
    """An error code with its Chinese name (the code kept: it is what the API and scenario files show)."""
    return f"{CODE_NAMES[code]}（{code}）" if code in CODE_NAMES else code
