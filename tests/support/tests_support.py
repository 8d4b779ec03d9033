"""Helpers shared by test modules: the PostgreSQL test database."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, text

from store.db import make_engine

POSTGRES_URL = os.environ.get("SUBSIDYFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_engine() -> Engine:
    """The test PostgreSQL database; skipped when unreachable, except under CI=true where that fails."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001 - any connection failure means "not reachable"
        engine.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable at {POSTGRES_URL}: {err}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    return engine


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
