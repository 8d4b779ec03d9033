"""The monthly report as a PDF (weasyprint), refused outright when no CJK font is installed.

weasyprint prints empty boxes for Chinese when fontconfig has no CJK font, silently: the check runs
first (`fc-list :lang=zh`), and WenQuanYi Zen Hei (an A4 page in about a second) is named first.
"""

from __future__ import annotations

import html
import shutil
import subprocess  # noqa: S404 - fc-list, a fixed command without shell
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workflows.reports import MonthlyReport

FONTS = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif"
INSTALL = "请安装 Debian 的 fonts-wqy-zenhei（或 fonts-noto-cjk）后重试：apt-get install fonts-wqy-zenhei"


class FontsMissing(RuntimeError):
    """No CJK font: a PDF would show empty boxes instead of Chinese."""


def require_cjk_fonts() -> None:
    """Refuse (FontsMissing, in Chinese, with the fix) unless fontconfig lists a font covering Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise FontsMissing(f"找不到 fc-list（fontconfig），无法确认中文字体，月度报表 PDF 未生成：{INSTALL}")
    listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    if not listed.strip():
        raise FontsMissing(f"本机没有中文字体，月度报表 PDF 会显示为空白方框，已拒绝生成：{INSTALL}")


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_pdf(report: MonthlyReport, month: list[tuple[str, ...]], plan: list[tuple[str, ...]]) -> bytes:
    """The report's two tables on A4 landscape pages."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    from workflows.reports import HEADERS, PLAN_HEADERS

    css = (
        f"@page {{ size: A4 landscape; margin: 15mm; @bottom-center {{ content: counter(page); font-family: {FONTS}; }} }}"
        f"body {{ font-family: {FONTS}; font-size: 10pt; }} h1 {{ font-size: 15pt; text-align: center; }}"
        "table { border-collapse: collapse; width: 100%; margin-bottom: 8mm; }"
        "th, td { border: 0.5pt solid #444; padding: 2pt 4pt; } td { text-align: right; }"
        "td:first-child, td:nth-child(2) { text-align: left; } table.totals tr:last-child td { font-weight: bold; }"
    )
    page = (
        f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>"
        f"<h1>补贴性职业技能培训月度进度报表（{html.escape(report.period)}）</h1>"
        f"<h2>一、本月进度（按培训机构和职业）</h2>{_table(HEADERS, month, 'totals')}"
        f"<h2>二、年度计划完成情况</h2>{_table(PLAN_HEADERS, plan) if plan else '<p>本年度尚未导入培训计划。</p>'}"
        "</body></html>"
    )
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
