"""External anchors: each day, the heads of all case chains under one signed Merkle root.

The leaves are (case id, head seq, head hash) of every case's log, sorted by case id; a leaf hashes
as sha256(0x00 ‖ canonical JSON [case_id, seq, hash]) and a node as sha256(0x01 ‖ left ‖ right), an
odd node going up a level unchanged. The root is signed with the operator's Ed25519 key over the
canonical JSON {"count", "day", "root"}. Once a root is published (`subsidyflow audit anchors`),
a history rewritten afterwards, even with every hash recomputed, no longer reaches it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from store.audit_tables import Anchor, AnchorLeaf
from store.event_log import canonical
from store.tables import CaseEvent

SCHEME = "merkle-sha256: leaf=sha256(00‖[case_id,seq,hash]), node=sha256(01‖left‖right); Ed25519"


@dataclass(frozen=True, slots=True)
class Head:
    """The head of a case's chain: its last event's number and hash."""

    case_id: int
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class PublishedRoot:
    """A day's root as published: what a third party keeps and checks a history against."""

    day: str
    root: str
    count: int
    signature: str
    public_key: str

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return signed_message(self.day, self.root, self.count)

    def signature_holds(self, trusted_key: str | None = None) -> bool:
        """The signature is valid, made by ``trusted_key`` when one is given (hex of the raw key)."""
        if trusted_key is not None and trusted_key != self.public_key:
            return False
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(bytes.fromhex(self.signature), self.message())
        except (ValueError, InvalidSignature):
            return False
        return True

    def as_json(self) -> dict[str, Any]:
        """One line of the export."""
        return {
            "day": self.day, "root": self.root, "count": self.count, "signature": self.signature,
            "public_key": self.public_key, "algorithm": "Ed25519", "scheme": SCHEME,
        }  # fmt: skip

    @classmethod
    def of(cls, row: Anchor | dict[str, Any]) -> PublishedRoot:
        """From a stored anchor or an exported line."""
        data = row.model_dump() if isinstance(row, Anchor) else row
        return cls(
            str(data["day"]),
            str(data["root"]),
            int(data["count"]),
            str(data["signature"]),
            str(data["public_key"]),
        )


def leaf_hash(head: Head) -> str:
    """The leaf of a case's head."""
    return hashlib.sha256(b"\x00" + canonical([head.case_id, head.seq, head.hash]).encode()).hexdigest()


def _node(left: str, right: str) -> str:
    return hashlib.sha256(b"\x01" + bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    """The root over leaf hashes in order (sha256 of nothing for no leaves)."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = list(leaves)
    while len(level) > 1:
        level = [
            _node(*level[i : i + 2]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)
        ]
    return level[0]


def inclusion_path(leaves: Sequence[str], index: int) -> list[dict[str, str]]:
    """The siblings from leaf ``index`` up to the root: each {"side": left|right, "hash"}."""
    path: list[dict[str, str]] = []
    level = list(leaves)
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append({"side": "left" if sibling < index else "right", "hash": level[sibling]})
        level = [
            _node(*level[i : i + 2]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)
        ]
        index //= 2
    return path


def root_from_path(leaf: str, path: Sequence[dict[str, str]]) -> str:
    """The root a leaf and its inclusion path reach."""
    value = leaf
    for step in path:
        value = _node(step["hash"], value) if step["side"] == "left" else _node(value, step["hash"])
    return value


def signed_message(day: str, root: str, count: int) -> bytes:
    """What the operator signs for a day."""
    return canonical({"count": count, "day": day, "root": root}).encode()


def signing_key(path: Path) -> Ed25519PrivateKey:
    """The operator's Ed25519 key (PEM), generated into ``path`` with 0600 permissions when absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: 不是 Ed25519 私钥（锚定签名需要 Ed25519）")
    return key


def public_key_hex(key: Ed25519PrivateKey) -> str:
    """Hex of the raw 32-byte public key."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def chain_heads(session: Session) -> list[Head]:
    """The head of every case's log (the log, not the case row: the log is the truth), by case id."""
    last = (
        select(col(CaseEvent.case_id).label("case_id"), func.max(CaseEvent.seq).label("seq"))
        .group_by(col(CaseEvent.case_id))
        .subquery()
    )
    stmt = (
        select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.hash)
        .join(last, and_(col(CaseEvent.case_id) == last.c.case_id, col(CaseEvent.seq) == last.c.seq))
        .order_by(col(CaseEvent.case_id))
    )
    return [Head(case_id, seq, hash_) for case_id, seq, hash_ in session.exec(stmt)]


def anchor_day(session: Session, key: Ed25519PrivateKey, day: date, now: datetime) -> Anchor:
    """The day's anchor: made (root, signature, leaves) unless it exists; the caller commits."""
    existing = session.get(Anchor, day.isoformat())
    if existing is not None:
        return existing
    heads = chain_heads(session)
    root = merkle_root([leaf_hash(h) for h in heads])
    message = signed_message(day.isoformat(), root, len(heads))
    anchor = Anchor(
        day=day.isoformat(),
        root=root,
        signature=key.sign(message).hex(),
        public_key=public_key_hex(key),
        count=len(heads),
        created_at=now,
    )
    session.add(anchor)
    session.flush()
    session.add_all(AnchorLeaf(day=anchor.day, case_id=h.case_id, seq=h.seq, hash=h.hash) for h in heads)
    session.flush()
    return anchor


def published_roots(session: Session) -> list[PublishedRoot]:
    """Every day's root, oldest first."""
    return [PublishedRoot.of(a) for a in session.exec(select(Anchor).order_by(col(Anchor.day)))]


def leaves_of(session: Session, day: str) -> list[Head]:
    """The heads a day's root was built from, in tree order."""
    stmt = select(AnchorLeaf).where(AnchorLeaf.day == day).order_by(col(AnchorLeaf.case_id))
    return [Head(leaf.case_id, leaf.seq, leaf.hash) for leaf in session.exec(stmt)]


def proofs(session: Session, case_id: int) -> list[dict[str, Any]]:
    """The case's inclusion proof in every root that holds it: leaf, path and the signed root."""
    days = session.exec(
        select(AnchorLeaf.day).where(AnchorLeaf.case_id == case_id).order_by(col(AnchorLeaf.day))
    ).all()
    found: list[dict[str, Any]] = []
    for day in days:
        anchor = session.get(Anchor, day)
        if anchor is None:  # pragma: no cover - the foreign key holds it
            continue
        heads = leaves_of(session, day)
        index = next(i for i, h in enumerate(heads) if h.case_id == case_id)
        head = heads[index]
        found.append(
            {
                **PublishedRoot.of(anchor).as_json(),
                "case_id": case_id, "seq": head.seq, "hash": head.hash, "leaf": leaf_hash(head),
                "path": inclusion_path([leaf_hash(h) for h in heads], index),
            }
        )  # fmt: skip
    return found
