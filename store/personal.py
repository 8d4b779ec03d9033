"""The personal-data vault: salted references in the log, encrypted values apart (个人信息保护法).

A value is stored once under its reference, HMAC-SHA256(salt, kind ‖ normalised value), encrypted
with AES-GCM-SIV bound to that reference (values stored before, with Fernet, still read). Events
and lookups carry only the reference; the ciphertext enters no hash, so erasing it leaves every
chain verifiable. The key and the salt come from one key file (``Settings``'s
`SUBSIDYFLOW_DATA_KEY`, default var/data_key, generated 0600 on first use); a throw-away database
(scenarios, tests) gets a key made in memory and a salt from a fixed seed, so its references, hence
its history hashes, are the same on every run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Engine, bindparam, event, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from domain.idnumber import normalize_id_number
from forms.personal import ITEMS, kind_of, personal_paths
from store.personal_tables import PersonalData, PersonalRead
from store.tables import RosterEntry, TrainingRecord

PD = "$pd"  # a personal value in an event's form: {"$pd": ref}
DATA_KEY_ENV = "SUBSIDYFLOW_DATA_KEY"
DEFAULT_KEY_PATH = Path("var") / "data_key"
THROWAWAY_SEED = "subsidyflow: throw-away database"
_SALT_LABEL = b"subsidyflow personal-data HMAC salt"


@dataclass(frozen=True, slots=True)
class Keyring:
    """The key file's key (the vault's cipher derives from it) and the salt of the references."""

    key: bytes = field(repr=False)
    salt: bytes = field(repr=False)

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        """The keyring of a key file, generated (0600) when absent; the salt derives from the key."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(Fernet.generate_key())
        key = path.read_bytes().strip()
        try:
            raw = base64.urlsafe_b64decode(key)
            Fernet(key)
        except ValueError:
            raise ValueError(f"{path}: 不是有效的数据加密密钥（应为 Fernet 密钥，32 字节 base64）") from None
        return cls(key, hmac.new(raw, _SALT_LABEL, hashlib.sha256).digest())

    @classmethod
    def ephemeral(cls, seed: str = THROWAWAY_SEED) -> Keyring:
        """A key made in memory with a salt from ``seed``: references repeat run after run, values do not."""
        return cls(Fernet.generate_key(), hashlib.sha256(seed.encode()).digest())

    def ref(self, kind: str, value: str) -> str:
        """The reference of a value: HMAC-SHA256(salt, kind ‖ NUL ‖ normalised value), hex."""
        message = f"{kind}\x00{normalise(kind, value)}".encode()
        return hmac.new(self.salt, message, hashlib.sha256).hexdigest()

    def encrypt(self, value: str, ref: str) -> str:
        """The value encrypted at rest, bound to its reference: ``v2:`` + base64(nonce ‖ AES-GCM-SIV).

        The reference is the associated data, so a ciphertext moved to another row does not open
        (Fernet, used before, would have opened it). AES-GCM-SIV with a fresh random 96-bit nonce:
        a repeated nonce reveals only that two values are equal, never the key (RFC 8452).
        """
        nonce = os.urandom(_NONCE_BYTES)
        sealed = _siv(self.key).encrypt(nonce, value.encode(), ref.encode())
        return _V2 + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, ref: str) -> str | None:
        """The value, None when this key cannot open it (or it was not sealed for ``ref``).

        A Fernet token (no ``v2:`` prefix) is a value stored before AES-GCM-SIV: still read.
        """
        if not token.startswith(_V2):
            try:
                return _fernet(self.key).decrypt(token.encode()).decode()
            except InvalidToken:
                return None
        try:
            raw = base64.urlsafe_b64decode(token.removeprefix(_V2))
            opened = _siv(self.key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], ref.encode())
            return opened.decode()
        except (ValueError, InvalidTag):  # bad base64 or UTF-8, too short, or not ours
            return None


_V2 = "v2:"  # the ciphertext format: AES-GCM-SIV bound to the reference (docs/decisions.md)
_NONCE_BYTES = 12
_VAULT_INFO = b"subsidyflow personal-data vault AES-GCM-SIV v2"


@lru_cache(maxsize=8)
def _fernet(key: bytes) -> Fernet:
    """The cipher of a key, made once (a roster of 40 encrypts 120 values; making it is a quarter of each)."""
    return Fernet(key)


@lru_cache(maxsize=8)
def _siv(key: bytes) -> AESGCMSIV:
    """The vault's cipher: a 256-bit key derived from the key file's by HKDF-SHA256, made once per key."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_VAULT_INFO).derive(
        base64.urlsafe_b64decode(key)
    )
    return AESGCMSIV(derived)


def normalise(kind: str, value: str) -> str:
    """The value as compared: an ID number narrowed (full-width digits, x → X), others NFKC and trimmed."""
    if kind == "id_number":
        return normalize_id_number(value)
    return unicodedata.normalize("NFKC", value).strip()


_KEYRINGS: weakref.WeakKeyDictionary[Engine, Keyring] = weakref.WeakKeyDictionary()


def attach(engine: Engine, keyring: Keyring, *, keep: bool = False) -> None:
    """Use this keyring for every session on ``engine`` (``keep``: unless it already has one)."""
    if keep and engine in _KEYRINGS:
        return
    _KEYRINGS[engine] = keyring


def keyring_of(bind: Engine | Connection) -> Keyring:
    """The keyring of an engine: attached, else a throw-away one (in-memory SQLite), else the key file."""
    engine = bind.engine if isinstance(bind, Connection) else bind
    found = _KEYRINGS.get(engine)
    if found is None:
        memory = engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:")
        path = os.environ.get(DATA_KEY_ENV) or str(DEFAULT_KEY_PATH)
        found = Keyring.ephemeral() if memory else Keyring.from_file(Path(path))
        _KEYRINGS[engine] = found
    return found


def keyring(session: Session) -> Keyring:
    """The keyring of the session's database."""
    bind = session.get_bind()
    assert isinstance(bind, Engine | Connection)  # noqa: S101 - sessions are bound to an engine
    return keyring_of(bind)


_REFS = "subsidyflow.personal.refs"  # session.info key: the references this session computed


def ref_of(session: Session, kind: str, value: str) -> str:
    """The reference a value has (or would have) in this database.

    Kept for the session's life (one command): an opening application asks the reference of each
    trainee's ID number three times (registry look-up, roster line, vault), 80 HMACs of 200. The
    memo goes with the session, so no value outlives the command that was given it.
    """
    ring = keyring(session)
    memo: dict[tuple[bytes, str, str], str] = session.info.setdefault(_REFS, {})
    found = memo.get((ring.salt, kind, value))
    if found is None:
        found = memo[(ring.salt, kind, value)] = ring.ref(kind, value)
    return found


def put(session: Session, kind: str, value: str, at: datetime) -> str:
    """Store a value (once; an erased one is filled again) and return its reference."""
    return put_many(session, [(kind, value)], at)[0]


def put_many(session: Session, items: Sequence[tuple[str, str]], at: datetime) -> list[str]:
    """Store these (kind, value) pairs in one statement; their references, in order."""
    ring = keyring(session)
    refs = [ref_of(session, kind, value) for kind, value in items]
    rows = {
        ref: {
            "ref": ref,
            "kind": kind,
            "ciphertext": ring.encrypt(normalise(kind, value), ref),
            "created_at": at,
        }
        for ref, (kind, value) in zip(refs, items, strict=True)
    }
    if not rows:
        return refs
    connection = session.connection()
    # one compiled statement run for every row (executemany): a multi-row VALUES is compiled anew
    # for each roster size, ~4x the time for a 30-person roster
    connection.execute(_INSERTS[connection.dialect.name], list(rows.values()))
    erased = connection.execute(_ERASED, {"refs": sorted(rows)}).scalars().all()
    for ref in erased:  # given again after an erasure: kept again
        connection.execute(_REFILL, {"r": ref, "c": rows[ref]["ciphertext"]})
    return refs


_PD: Any = PersonalData.__table__  # type: ignore[attr-defined]
# Built once (statement construction was a third of the vault's time on an opening application):
# insert, or keep the value already stored — never a lock on it (DO UPDATE would lock every row
# it meets, and two commands storing the same values in another order could deadlock).
_INSERTS = {
    "postgresql": postgresql.insert(_PD).on_conflict_do_nothing(index_elements=["ref"]),
    "sqlite": sqlite.insert(_PD).on_conflict_do_nothing(index_elements=["ref"]),
}
_ERASED = sa_select(_PD.c.ref).where(
    _PD.c.ref.in_(bindparam("refs", expanding=True)), _PD.c.ciphertext.is_(None)
)
_REFILL = update(_PD).where(_PD.c.ref == bindparam("r")).values(ciphertext=bindparam("c"), erased_at=None)


def _replace(value: Any, path: Sequence[str], change: Any) -> Any:
    """``value`` with the leaves at ``path`` passed through ``change`` (a copy; the input is not touched)."""
    if not path:
        return change(value)
    head, rest = path[0], path[1:]
    if head == ITEMS:
        return [_replace(v, rest, change) for v in value] if isinstance(value, list) else value
    if isinstance(value, Mapping) and head in value:
        return {**value, head: _replace(value[head], rest, change)}
    return value


def tokenise(session: Session, form_id: str, form: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    """The form with each personal value stored in the vault and replaced by ``{"$pd": ref}``."""
    found: list[tuple[str, str]] = []

    def collect(kind: str) -> Any:
        def seen(value: Any) -> Any:
            if isinstance(value, str) and value.strip():
                found.append((kind, value))
            return value

        return seen

    for path in personal_paths(form_id):
        _replace(form, path, collect(kind_of(path)))
    refs = iter(put_many(session, found, at))

    def stored(value: Any) -> Any:
        return {PD: next(refs)} if isinstance(value, str) and value.strip() else value

    result: Any = dict(form)
    for path in personal_paths(form_id):
        result = _replace(result, path, stored)
    return dict(result)


def refs_in(value: Any) -> list[str]:
    """Every reference in a form, in the order met."""
    if isinstance(value, Mapping):
        if set(value) == {PD}:
            return [str(value[PD])]
        return [r for v in value.values() for r in refs_in(v)]
    if isinstance(value, list):
        return [r for v in value for r in refs_in(v)]
    return []


def reveal(session: Session, refs: Iterable[str]) -> dict[str, str | None]:
    """The value of each reference; None for one erased (or not in this vault)."""
    wanted = sorted(set(refs))
    ring = keyring(session)
    found: dict[str, str | None] = dict.fromkeys(wanted)
    rows = session.exec(select(PersonalData).where(col(PersonalData.ref).in_(wanted))) if wanted else ()
    for row in rows:
        found[row.ref] = ring.decrypt(row.ciphertext, row.ref) if row.ciphertext is not None else None
    return found


def record_reads(
    session: Session,
    refs: Iterable[str],
    *,
    reader: str,
    role: str,
    purpose: str,
    case_id: int | None,
    at: datetime,
) -> None:
    """Record that ``reader`` read these values."""
    for ref in dict.fromkeys(refs):
        session.add(PersonalRead(ref=ref, reader=reader, role=role, purpose=purpose, case_id=case_id, at=at))


def erase(session: Session, refs: Iterable[str], at: datetime) -> int:
    """Clear the ciphertext of these values (kept: the reference and when it was erased); how many."""
    wanted = sorted(set(refs))
    if not wanted:
        return 0
    table: Any = PersonalData.__table__  # type: ignore[attr-defined]
    done = session.execute(
        update(table)
        .where(col(PersonalData.ref).in_(wanted), col(PersonalData.ciphertext).is_not(None))
        .values(ciphertext=None, erased_at=at)
    )
    return int(getattr(done, "rowcount", 0) or 0)


@event.listens_for(Session, "before_flush")
def _fill_lookup_refs(session: Session, _context: Any, _instances: Any) -> None:
    """A roster line or training record added without its reference gets it (look-ups go by it)."""
    for row in session.new:
        if isinstance(row, RosterEntry | TrainingRecord) and row.ref is None and row.id_number:
            row.ref = keyring(session).ref("id_number", row.id_number)
