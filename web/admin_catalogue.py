"""The bureau's administration: users and roles, institution statuses with their audit trail, projects.

Every status change of an institution is recorded in ``institution_event`` (from, to, reason, by, at).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import ErrorCode, Violation
from domain.vocab import InstitutionStatus, Level, Role
from store.catalogue import add_projects, set_institution_status
from store.tables import Institution, Project, UserRole, UserRow
from store.web_tables import InstitutionEvent
from web.accounts import hash_password

ROLES = tuple(r.value for r in Role if r is not Role.PUBLIC)
STATUS_TITLES = {"active": "正常", "suspended": "暂停", "blacklisted": "黑名单"}
MIN_PASSWORD = 8


def _invalid(field: str, message: str) -> Violation:
    return Violation(ErrorCode.INVALID_FIELD, field, message)


def create_user(
    session: Session, username: str, display_name: str, password: str, roles: list[str]
) -> Violation | None:
    """A new user with a password and roles (the caller commits)."""
    name = username.strip()
    if not name or len(name) > 100:  # noqa: PLR2004 - app_user.username
        return _invalid("username", "请填写用户名（不超过 100 个字符）")
    if session.exec(select(UserRow).where(UserRow.username == name)).first() is not None:
        return _invalid("username", f"用户名「{name}」已存在")
    problem = _roles_problem(roles) or _password_problem(password)
    if problem is not None:
        return problem
    session.add(UserRow(username=name, display_name=display_name.strip(), roles=roles,
                        password_hash=hash_password(password)))  # fmt: skip
    return None


def _roles_problem(roles: list[str]) -> Violation | None:
    unknown = [r for r in roles if r not in ROLES]
    return _invalid("roles", f"没有这些角色：{'、'.join(unknown)}") if unknown else None


def _password_problem(password: str) -> Violation | None:
    return _invalid("password", f"密码至少 {MIN_PASSWORD} 位") if len(password) < MIN_PASSWORD else None


def _user(session: Session, username: str) -> UserRow | None:
    return session.exec(select(UserRow).where(UserRow.username == username)).first()


def set_roles(session: Session, username: str, roles: list[str]) -> Violation | None:
    """Replace a user's roles."""
    row = _user(session, username)
    if row is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, f"没有用户「{username}」")
    problem = _roles_problem(roles)
    if problem is None:
        row.roles = list(dict.fromkeys(roles))
        session.add(row)
    return problem


def reset_password(session: Session, username: str, password: str) -> Violation | None:
    """Give a user a new password; the lock-out is cleared."""
    row = _user(session, username)
    if row is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, f"没有用户「{username}」")
    problem = _password_problem(password)
    if problem is None:
        row.password_hash, row.failed_logins, row.locked_until = hash_password(password), 0, None
        session.add(row)
    return problem


def unlock(session: Session, username: str) -> Violation | None:
    """Lift a user's lock-out after failed sign-ins."""
    row = _user(session, username)
    if row is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, f"没有用户「{username}」")
    row.failed_logins, row.locked_until = 0, None
    session.add(row)
    return None


# Which status changes the administration may make (000 五: a black-listing is permanent).
ALLOWED: dict[str | None, frozenset[str]] = {
    None: frozenset({"active"}),  # admitted to the catalogue
    "active": frozenset({"suspended", "blacklisted"}),
    "suspended": frozenset({"active", "blacklisted"}),  # active again: the rectification was accepted
    "blacklisted": frozenset(),
}


def change_status(
    session: Session, name: str, to: str, reason: str, by: str, at: datetime
) -> Violation | None:
    """Admit, suspend, black-list an institution or lift its suspension, with a reason, recorded."""
    name, reason = name.strip(), reason.strip()
    if not name:
        return _invalid("name", "请填写机构名称")
    if not reason:
        return _invalid("reason", "请写明理由（如文件号、检查结论、整改验收意见）")
    if to not in STATUS_TITLES:
        return _invalid("status", f"没有状态 {to}")
    row = session.exec(select(Institution).where(Institution.name == name)).first()
    before = row.status if row else None
    if to not in ALLOWED.get(before, frozenset()):
        was = STATUS_TITLES.get(before or "", "未收录")
        hint = "（列入黑名单即永久取消资格，不能恢复）" if before == "blacklisted" else ""
        return Violation(
            ErrorCode.INVALID_FIELD, "status", f"「{name}」当前为{was}，不能改为{STATUS_TITLES[to]}{hint}"
        )
    set_institution_status(session, name, InstitutionStatus(to), reason[:500], at)
    session.add(
        InstitutionEvent(
            institution=name, from_status=before, to_status=to, reason=reason[:500], by=by, at=at
        )
    )
    return None


def institutions(session: Session) -> list[Institution]:
    """The catalogue's institutions by name."""
    return list(session.exec(select(Institution).order_by(col(Institution.name))))


def institution_events(session: Session, limit: int = 50) -> list[InstitutionEvent]:
    """The latest status changes, newest first."""
    return list(session.exec(select(InstitutionEvent).order_by(col(InstitutionEvent.id).desc()).limit(limit)))


def add_project(session: Session, occupation: str, level: str) -> Violation | None:
    """Publish occupation + level as a subsidised project."""
    if not occupation.strip():
        return _invalid("occupation", "请填写工种")
    if level not in {lv.value for lv in Level}:
        return _invalid("level", f"没有等级 {level}")
    add_projects(session, [(occupation.strip(), level)])
    return None


def remove_project(session: Session, project_id: int) -> Violation | None:
    """Withdraw a published project (classes already filed keep their case)."""
    row = session.get(Project, project_id)
    if row is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, "没有这个项目")
    session.delete(row)
    return None


def projects(session: Session) -> list[Project]:
    """The published projects by occupation and level."""
    return list(session.exec(select(Project).order_by(col(Project.occupation), col(Project.id))))


USERS_SHOWN = 100  # a national deployment has ~10⁵ users, most of them applicants: a page, then narrow it


@dataclass(frozen=True)
class UserPage:
    """The users an administrator asked for (by name prefix and role), at most ``USERS_SHOWN``; more left?"""

    users: list[UserRow]
    more: bool
    prefix: str = ""
    role: str = ""


def users(session: Session, prefix: str = "", role: str = "") -> UserPage:
    """Users by name whose name starts with ``prefix``, holding ``role`` when given (both read by index)."""
    stmt = select(UserRow).order_by(col(UserRow.username))
    prefix, role = prefix.strip(), role if role in ROLES else ""
    if prefix:
        # a range by code point: SQLite compares so (and uses the index); PostgreSQL compares by the
        # database's locale, where U+10FFFF may sort before letters, so there it compares as "C"
        name: Any = col(UserRow.username)
        if session.get_bind().dialect.name == "postgresql":
            name = name.collate("C")
        stmt = stmt.where(name >= prefix, name < prefix + "\U0010ffff")
    if role:
        stmt = stmt.join(UserRole, col(UserRole.user_id) == col(UserRow.id)).where(UserRole.role == role)
    rows = list(session.exec(stmt.limit(USERS_SHOWN + 1)))
    return UserPage(rows[:USERS_SHOWN], len(rows) > USERS_SHOWN, prefix, role)
