"""A command that lost a race with another on the same case or row: refused as ``conflict``, nothing kept.

The loser of two concurrent commands on one case finds the case's version moved (CaseConflict); on
PostgreSQL it may instead meet a unique index another transaction just filled, a serialization failure,
a deadlock or a lock it may not wait for, and on SQLite a locked database. Each is a lost race: the
transaction is rolled back and the user is told to reload and try again. Any other database error is a
fault, and is raised.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError

from cases.conflict import CaseConflict
from domain.errors import ErrorCode, Violation

RACES = (CaseConflict, IntegrityError, OperationalError)
# unique_violation; serialization_failure, deadlock_detected, lock_not_available
_UNIQUE = "23505"
_TRANSIENT = frozenset({"40001", "40P01", "55P03"})
_SQLITE_UNIQUE = "UNIQUE constraint failed"
_SQLITE_BUSY = ("database is locked", "database table is locked")
_MESSAGE = "该案件刚被他人同时办理，您的操作未生效：请刷新后重试"


def _lost(error: BaseException) -> bool:
    if isinstance(error, CaseConflict):
        return True
    orig = getattr(error, "orig", None)
    state = getattr(orig, "sqlstate", None)
    text = str(orig)
    if isinstance(error, IntegrityError):
        return state == _UNIQUE or _SQLITE_UNIQUE in text
    if isinstance(error, OperationalError):
        return state in _TRANSIENT or any(busy in text for busy in _SQLITE_BUSY)
    return False


def conflict(error: BaseException) -> tuple[Violation, ...]:
    """The refusal of a command that lost a race; re-raises ``error`` when it is not one."""
    if not _lost(error):
        raise error
    return (Violation(ErrorCode.CONFLICT, None, _MESSAGE),)
