"""The evidence a case's events cite, re-hashed (`subsidyflow audit verify`).

Each completed task's event records the hashes of the files its form cited (004 (三)2: 签到记录,
影像资料). The audit reads every file again: one that is missing from the evidence directory, one whose
content no longer hashes to its name, or a hash the evidence table has no row for, is named with the
event and task that cited it. Each file is named once per case, at the first event citing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from cases.anchor_audit import AuditFinding
from forms.task_definitions import TASKS
from store import evidence as files
from store.tables import CaseEvent

_TITLES = {t.id: t.title for t in TASKS}


def cited_hashes(payload: Any) -> list[str]:
    """The evidence hashes an event's payload records (its form's ``evidence`` field)."""
    form = payload.get("form") if isinstance(payload, dict) else None
    listed = form.get("evidence") if isinstance(form, dict) else None
    return [h for h in listed if isinstance(h, str)] if isinstance(listed, list) else []


def _citations(session: Session, case_id: int) -> Iterator[tuple[int, str, str]]:
    """(event seq, task title, hash) of each first citation of a file in the case's log."""
    stmt = (
        select(CaseEvent.seq, CaseEvent.payload)
        .where(CaseEvent.case_id == case_id, CaseEvent.type == "task_completed")
        .order_by(col(CaseEvent.seq))
    )
    seen: set[str] = set()
    for seq, payload in session.exec(stmt):
        task = str(payload.get("task", "")) if isinstance(payload, dict) else ""
        for sha256 in cited_hashes(payload):
            if sha256 not in seen:
                seen.add(sha256)
                yield seq, _TITLES.get(task, task), sha256


def evidence_findings(session: Session, case_id: int, root: Path) -> list[AuditFinding]:
    """Every cited evidence file of the case that is missing, altered or unrecorded."""
    found: list[AuditFinding] = []
    for seq, task, sha256 in _citations(session, case_id):
        where = f"第 {seq} 个事件（{task}）引用的证据"
        if not files.SHA256.match(sha256):
            found.append(AuditFinding("evidence", case_id, None, f"{where} {sha256!r} 不是文件哈希"))
            continue
        row = files.one(session, case_id, sha256)
        if row is None:
            found.append(AuditFinding("evidence", case_id, None, f"{where} {sha256} 在证据表中没有记录"))
        name = f"「{row.original_name}」（{row.kind}）" if row is not None else ""
        now = files.file_hash(root, sha256)
        if now is None:
            detail = f"{where}{name}文件缺失：{files.path_of(root, sha256)}，哈希 {sha256}"
            found.append(AuditFinding("evidence", case_id, None, detail))
        elif now != sha256:
            detail = (
                f"{where}{name}文件被改动：{files.path_of(root, sha256)} 现在的哈希为 {now}，应为 {sha256}"
            )
            found.append(AuditFinding("evidence", case_id, None, detail))
    return found
