"""Rendering a case's documents to PDF: Jinja2 templates (documents/templates) through weasyprint.

Public documents (the notice) carry masked names only; no document prints an ID number, and phones
and bank accounts show their last four digits alone (ARCHITECTURE "Security").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

import cn2an  # type: ignore[import-untyped]
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlmodel import Session

from documents import contexts
from documents.fonts import CSS_FAMILY
from documents.sources import CaseFile, load
from domain.calendar import SHANGHAI
from domain.masking import mask_name
from domain.money import fen_to_yuan, format_wanyuan, format_yuan

# kind → (Chinese title, file name stem, template, what it is made of)
DOCUMENTS: dict[str, tuple[str, str, Callable[[CaseFile], dict[str, Any]]]] = {
    "application": ("补贴性职业技能提升培训申请表", "application.html", contexts.application),
    "notice": ("补贴资金公示", "notice.html", contexts.notice),
    "voucher": ("补贴资金拨付凭证", "voucher.html", contexts.voucher),
    "dossier": ("案件档案", "dossier.html", contexts.dossier),
}


def daxie(fen: int) -> str:
    """An amount in 大写 as on a voucher: 4440000 → 肆万肆仟肆佰元整."""
    text: str = cn2an.an2cn(f"{fen_to_yuan(fen)}", "rmb")
    return text


def tail(value: str | None, keep: int = 4) -> str:
    """Personal digits (phone, bank account) shown by their last ``keep`` only: ****0001."""
    text = "".join(str(value or "").split())
    if not text:
        return ""
    return "*" * max(len(text) - keep, 4) + text[-keep:] if len(text) > keep else "*" * len(text)


def cn_date(value: date | datetime | str | None) -> str:
    """2026年4月30日 (a date-time shown in Beijing time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_time(value: datetime | None) -> str:
    """2026-04-29 10:00 in Beijing time."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value is not None else ""


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("documents", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        yuan=lambda fen: format_yuan(int(fen or 0)),
        wan=lambda fen: format_wanyuan(int(fen or 0)),
        daxie=lambda fen: daxie(int(fen or 0)),
        tail=tail,
        masked=mask_name,
        cn_date=cn_date,
        cn_time=cn_time,
    )
    env.globals["font_family"] = CSS_FAMILY
    return env


def available(case_file: CaseFile) -> list[str]:
    """The documents a case has now: the notice once published, the voucher once a payment is ordered."""
    kinds = ["application"]
    if case_file.notice is not None:
        kinds.append("notice")
    if case_file.payment is not None:
        kinds.append("voucher")
    return [*kinds, "dossier"]


def html(case_file: CaseFile, kind: str) -> str:
    """The document's HTML."""
    title, template, build = DOCUMENTS[kind]
    return _environment().get_template(template).render(title=title, **build(case_file))


def pdf(case_file: CaseFile, kind: str) -> bytes:
    """The document as PDF bytes."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    data: bytes = HTML(string=html(case_file, kind)).write_pdf()
    return data


def render(session: Session, case_id: int, kind: str) -> bytes:
    """One document of a case as PDF (NoSuchCase, or KeyError for an unknown kind)."""
    return pdf(load(session, case_id), kind)
