"""Checking every case's log against the published roots (`subsidyflow audit verify`).

A root whose signature fails (forged, or signed by another key than the bureau's) is named; so are
stored leaves that no longer build the published root. Each case's chain must hold by itself, and
the event each root anchored must still carry the hash the root saw: a history rewritten after a
root was published, even with every later hash recomputed consistently, fails there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cases.anchors import PublishedRoot, leaf_hash, leaves_of, merkle_root, published_roots
from cases.integrity import chain_findings
from store import event_log
from store.audit_tables import AnchorLeaf
from store.tables import CaseRow


@dataclass(frozen=True, slots=True)
class AuditFinding:
    """One problem the audit found: kind, case and day concerned (if any), in Chinese."""

    kind: str  # signature | root | rewritten | chain
    case_id: int | None
    day: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class CaseAudit:
    """A case checked against the roots: events read, the days that anchor it, what failed."""

    case_id: int
    events: int
    anchored: tuple[str, ...]
    findings: tuple[AuditFinding, ...]


def check_roots(
    session: Session, roots: Sequence[PublishedRoot], trusted_key: str | None
) -> list[AuditFinding]:
    """Each published root: its signature (by ``trusted_key`` when given) and the stored leaves under it."""
    stored = {r.day: r for r in published_roots(session)}
    found: list[AuditFinding] = []
    for root in roots:
        if not root.signature_holds(trusted_key):
            whose = "不是本局密钥所签" if trusted_key and trusted_key != root.public_key else "签名无效"
            found.append(
                AuditFinding(
                    "signature", None, root.day, f"{root.day} 的根{whose}（伪造或被改动），不能作为依据"
                )
            )
            continue
        mine = stored.get(root.day)
        if mine is None or (mine.root, mine.count) != (root.root, root.count):
            found.append(AuditFinding("root", None, root.day, f"库中 {root.day} 的锚定记录与公布的根不符"))
        leaves = leaves_of(session, root.day)
        if merkle_root([leaf_hash(h) for h in leaves]) != root.root or len(leaves) != root.count:
            found.append(
                AuditFinding("root", None, root.day, f"{root.day} 的锚定叶子算不出公布的根（锚定记录被改动）")
            )
    return found


def case_ids(session: Session) -> list[int]:
    """Every case, by id."""
    return [i for i in session.exec(select(CaseRow.id).order_by(col(CaseRow.id))) if i is not None]


def check_case(session: Session, case_id: int, roots: Mapping[str, PublishedRoot]) -> CaseAudit:
    """The case's chain by itself, and each anchored head still in it with the hash the root saw."""
    events = event_log.records(session, case_id)
    found = [AuditFinding("chain", case_id, None, f.detail) for f in chain_findings(case_id, events)]
    by_seq = {e.seq: e for e in events}
    leaves = session.exec(
        select(AnchorLeaf).where(AnchorLeaf.case_id == case_id).order_by(col(AnchorLeaf.day))
    ).all()
    anchored: list[str] = []
    for leaf in leaves:
        if leaf.day not in roots:
            continue  # not among the roots checked (or its root failed and is named already)
        anchored.append(leaf.day)
        event = by_seq.get(leaf.seq)
        if event is None:
            found.append(
                AuditFinding(
                    "rewritten", case_id, leaf.day,
                    f"{leaf.day} 公布的根包含第 {leaf.seq} 个事件，日志中已没有它（公布后历史被删改）",
                )
            )  # fmt: skip
        elif event.hash != leaf.hash:
            found.append(
                AuditFinding(
                    "rewritten", case_id, leaf.day,
                    f"第 {leaf.seq} 个事件的哈希与 {leaf.day} 公布的根不符：公布后历史被改写并重新计算了哈希",
                )
            )  # fmt: skip
    return CaseAudit(case_id, len(events), tuple(anchored), tuple(found))
