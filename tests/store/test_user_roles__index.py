"""``user_role`` follows ``app_user.roles`` through every writer, and the migration fills it for users already there."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from store.catalogue import ensure_user
from store.db import make_engine
from store.migrate import upgrade
from store.outbox import _holders
from store.tables import UserRole, UserRow
from web.admin_catalogue import create_user, set_roles


def _index(engine: Engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(UserRow.username, UserRole.role).join(UserRole, col(UserRole.user_id) == col(UserRow.id))
        )
        return set(rows)


def _held(engine: Engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        return {(u.username, r) for u in session.exec(select(UserRow)) for r in u.roles}


def test_every_writer_of_roles_keeps_the_index(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'u.db'}")
    upgrade(engine)
    with Session(engine) as session:
        ensure_user(session, "wang", "reviewer")
        ensure_user(session, "wang", "rechecker")
        ensure_user(session, "jyjs", "applicant")
        ensure_user(session, "jyjs", "applicant")  # already held: nothing new
        assert create_user(session, "zhao", "赵", "long-enough-1", ["rechecker", "approver"]) is None
        session.commit()
        assert set_roles(session, "wang", ["reviewer"]) is None  # rechecker taken away
        session.commit()
        user = session.exec(select(UserRow).where(UserRow.username == "zhao")).one()
        user.failed_logins = 3  # a write that leaves the roles alone
        session.add(user)
        session.commit()
    assert _index(engine) == _held(engine) == {
        ("wang", "reviewer"), ("jyjs", "applicant"), ("zhao", "rechecker"), ("zhao", "approver"),
    }  # fmt: skip
    with Session(engine) as session:
        found = _holders(session, {"rechecker", "reviewer", "finance"})
    assert found == {"rechecker": ["zhao"], "reviewer": ["wang"], "finance": []}


def test_the_migration_fills_the_index_from_the_users_already_there(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0013")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO app_user (username, display_name, roles, failed_logins) VALUES "
            "('wang', '', '[\"reviewer\", \"rechecker\"]', 0), ('jyjs', '', '[\"applicant\"]', 0), "
            "('nobody', '', '[]', 0)"
        ))  # fmt: skip
    upgrade(engine)
    assert _index(engine) == {("wang", "reviewer"), ("wang", "rechecker"), ("jyjs", "applicant")}
