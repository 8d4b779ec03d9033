"""Helpers shared by test modules: the PostgreSQL test database."""

from __future__ import annotations

import atexit
import os

import pytest
from sqlalchemy import Engine, text

from store.db import make_engine

POSTGRES_URL = os.environ.get("SUBSIDYFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
_OWN_DATABASE: list[str] = []


def _own_database_url() -> str:
    """A database of this test process's own (created once, dropped at exit): parallel runs never collide."""
    if _OWN_DATABASE:
        return _OWN_DATABASE[0]
    name = f"subsidyflow_test_{os.getpid()}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        cleanup = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
        with cleanup.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        cleanup.dispose()

    atexit.register(drop)
    _OWN_DATABASE.append(url)
    return url


def postgres_url() -> str:
    """The URL of this process's own PostgreSQL test database (see postgres_engine)."""
    return _own_database_url()


def postgres_engine() -> Engine:
    """This process's PostgreSQL test database; skipped when unreachable, except under CI=true where that fails."""
    probe = make_engine(POSTGRES_URL)
    try:
        with probe.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001 - any connection failure means "not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable at {POSTGRES_URL}: {err}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    finally:
        probe.dispose()
    return make_engine(_own_database_url())


APPLICATION = {
    "institution": "济源技师学院", "contact_name": "陈老师", "contact_phone": "13800000001",
    "bank_name": "中国工商银行济源分行", "bank_account": "6222000000000000001", "batch": "2026-焊工-31",
    "start_date": "2026-03-09", "end_date": "2026-04-24", "schedule": "full_time", "class_hours": 160,
    "practical_hours": 112, "occupation": "焊工", "level": "中级工", "planned_count": 3,
    "mode": "委托培训", "key_group": False, "teaching_plan": "理论48课时，实操112课时",
}  # fmt: skip


def application(seed: str, count: int = 3, **overrides: object) -> dict[str, object]:
    """A valid 开班申请 with ``count`` generated trainees (unique per seed)."""
    from domain.idnumber import IdentityGenerator

    roster = [
        {"name": t.name, "id_number": t.id_number, "phone": t.phone, "group": t.group}
        for t in IdentityGenerator(seed).trainees(count)
    ]
    return {**APPLICATION, "planned_count": count, "roster": roster, **overrides}
