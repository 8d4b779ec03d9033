"""Sign-in: argon2 password hashes, five failed attempts in a row lock an account for 15 minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from domain.calendar import SHANGHAI
from store.tables import UserRow

MAX_FAILED_LOGINS = 5
LOCK_OUT = timedelta(minutes=15)
_HASHER = PasswordHasher()
# Verified against when the user is unknown, so that an unknown name takes as long as a wrong password.


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist (same time as a wrong password); made on first use."""
    return _HASHER.hash("subsidyflow-no-such-user")


WRONG = "用户名或密码不正确"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A user whose password was right."""

    username: str
    display_name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SignInRefused:
    """Why a sign-in was refused, in Chinese; ``locked``: the account is locked out."""

    message: str
    locked: bool = False


def hash_password(password: str) -> str:
    """The argon2id hash of a password (with its own salt and parameters)."""
    return _HASHER.hash(password)


def set_password(session: Session, username: str, password_hash: str) -> None:
    """Give an existing user a password (already hashed) and clear any lock-out."""
    user = session.exec(select(UserRow).where(UserRow.username == username)).one()
    user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
    session.add(user)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in(session: Session, username: str, password: str, now: datetime) -> SignedIn | SignInRefused:
    """Check a user's password, counting failures; the caller commits (failures are recorded too)."""
    user = session.exec(select(UserRow).where(UserRow.username == username.strip())).first()
    if user is None:
        _verify(None, password)
        return SignInRefused(WRONG)
    if user.locked_until is not None and now < user.locked_until:
        until = user.locked_until.astimezone(SHANGHAI).strftime("%H:%M")
        return SignInRefused(
            f"密码连续输错 {MAX_FAILED_LOGINS} 次，账号已锁定，请于 {until} 后再试", locked=True
        )
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        locked = user.failed_logins >= MAX_FAILED_LOGINS
        if locked:
            user.locked_until, user.failed_logins = now + LOCK_OUT, 0
        session.add(user)
        if locked:
            minutes = int(LOCK_OUT.total_seconds() // 60)
            return SignInRefused(
                f"密码连续输错 {MAX_FAILED_LOGINS} 次，账号已锁定 {minutes} 分钟", locked=True
            )
        left = MAX_FAILED_LOGINS - user.failed_logins
        return SignInRefused(f"{WRONG}（再输错 {left} 次账号将被锁定 15 分钟）")
    assert user.password_hash is not None  # noqa: S101 - verified above
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    return SignedIn(user.username, user.display_name or user.username, tuple(user.roles))
