"""The public notice (004 (三)4): the claims in notice with masked names, objections with receipts, a throttle.

Nothing personal reaches this page: names are masked (张*明), and ID numbers, phones and bank
accounts are never read. A client address is kept only as a keyed hash, to throttle the form.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from cases.case_events import file_objection
from cases.runtime import Runtime
from domain.errors import ErrorCode, Violation
from domain.masking import mask_name
from domain.money import format_wanyuan, format_yuan
from store.tables import CaseRow, Notice, Objection, RosterEntry
from store.web_tables import ObjectionReceipt

IN_NOTICE = ("notice", "investigation")
THROTTLE_COUNT = 5  # objections a client address may file …
THROTTLE_WINDOW = timedelta(hours=1)  # … in this window
_SALT_ENV = "SUBSIDYFLOW_SECRET_KEY"  # noqa: S105 - the name of the variable, not a secret
_CHECK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


@dataclass(frozen=True, slots=True)
class PublicNotice:
    """One class in notice, as the public sees it."""

    notice_id: int
    institution: str
    occupation: str
    level: str
    batch: str
    start_date: date
    end_date: date
    notice_start: date
    notice_end: date
    amount_yuan: str
    amount_wanyuan: str
    amount_fen: int
    eligible: int | None
    names: tuple[str, ...]  # masked


@dataclass(frozen=True, slots=True)
class Filed:
    """An objection's answer: its receipt number, or why it was refused."""

    receipt: str | None
    errors: tuple[Violation, ...] = ()


def notices(rt: Runtime) -> list[PublicNotice]:
    """The claims in notice today (the latest notice of each case in notice or investigation)."""
    today = rt.today()
    with rt.session() as session:
        rows = session.exec(
            select(Notice, CaseRow)
            .join(CaseRow, col(Notice.case_id) == col(CaseRow.id))
            .where(col(CaseRow.status).in_(IN_NOTICE), col(Notice.start) <= today, col(Notice.end) >= today)
            .order_by(col(Notice.start), col(Notice.id))
        ).all()
        latest = {case.id: notice for notice, case in rows}  # a case's last notice wins
        return [_public(session, notice, case) for notice, case in rows if latest[case.id].id == notice.id]


def _public(session: Session, notice: Notice, case: CaseRow) -> PublicNotice:
    names = session.exec(
        select(RosterEntry.name).where(RosterEntry.case_id == case.id).order_by(col(RosterEntry.position))
    ).all()
    assert notice.id is not None  # noqa: S101 - persisted
    eligible = case.figures.get("eligible")
    return PublicNotice(
        notice.id, case.institution, case.occupation, case.level, case.batch, case.start_date, case.end_date,
        notice.start, notice.end, format_yuan(notice.amount_fen), format_wanyuan(notice.amount_fen),
        notice.amount_fen, int(eligible) if isinstance(eligible, int) else None,
        tuple(mask_name(n) for n in names),
    )  # fmt: skip


def client_key(address: str) -> str:
    """A keyed hash of a client address (the address itself is never stored)."""
    salt = os.environ.get(_SALT_ENV, "subsidyflow-objection-throttle").encode()
    return hmac.new(salt, address.encode(), hashlib.sha256).hexdigest()


def receipt_number(objection_id: int, year: int) -> str:
    """YY-26-000012-K7: 异议, the year, the objection's number, two check characters against typos."""
    body = f"YY-{year % 100:02d}-{objection_id:06d}"
    digest = hashlib.sha256(body.encode()).digest()
    check = "".join(_CHECK_ALPHABET[b % len(_CHECK_ALPHABET)] for b in digest[:2])
    return f"{body}-{check}"


def receipt_valid(receipt: str) -> bool:
    """Whether a receipt number's check characters match its body."""
    body, _, _check = receipt.rpartition("-")
    parts = body.split("-")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():  # noqa: PLR2004 - YY, year, id
        return False
    return receipt_number(int(parts[2]), int(parts[1])) == receipt


def throttled(session: Session, client: str, now: datetime) -> bool:
    """Whether this client filed the most objections allowed in the last hour."""
    count = session.exec(
        select(func.count())
        .select_from(ObjectionReceipt)
        .where(ObjectionReceipt.client == client, col(ObjectionReceipt.filed_at) > now - THROTTLE_WINDOW)
    ).one()
    return int(count) >= THROTTLE_COUNT


def file_public_objection(rt: Runtime, notice_id: int, text: str, address: str) -> Filed:
    """File an objection against a notice from a client address: throttled, answered with a receipt."""
    client = client_key(address)
    with rt.session() as session:
        if throttled(session, client, rt.now()):
            minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
            message = (
                f"同一网络地址 {minutes} 分钟内最多提交 {THROTTLE_COUNT} 条异议，请稍后再试或致电人社部门"
            )
            return Filed(None, (Violation(ErrorCode.FORBIDDEN, None, message),))
        notice = session.get(Notice, notice_id)
    if notice is None:
        return Filed(None, (Violation(ErrorCode.NO_SUCH_TASK, None, "没有这条公示"),))
    outcome = file_objection(rt, case_id=notice.case_id, data={"text": text})
    if not outcome.ok:
        return Filed(None, outcome.errors)
    with rt.session() as session:
        objection_id = session.exec(
            select(Objection.id)
            .where(Objection.case_id == notice.case_id, Objection.text == text)
            .order_by(col(Objection.id).desc())
        ).first()
        assert objection_id is not None  # noqa: S101 - just filed
        receipt = receipt_number(objection_id, rt.today().year)
        session.add(
            ObjectionReceipt(objection_id=objection_id, receipt=receipt, client=client, filed_at=rt.now())
        )
        session.commit()
    return Filed(receipt)
