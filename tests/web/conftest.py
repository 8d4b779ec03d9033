"""Web fixtures: the app on an in-memory database at a virtual moment, users with passwords, a client."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from cases.wiring import Settings
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from web.accounts import hash_password, set_password
from web.app import create_app

with warnings.catch_warnings():  # starlette asks for httpx2 instead of httpx; the lock has httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from web_support import PASSWORD

USERS = (
    ("jyjs", "applicant"), ("other", "applicant"), ("wang", "reviewer"), ("li", "reviewer"),
    ("zhao", "rechecker"), ("sun", "approver"), ("shen", "auditor"),
)  # fmt: skip


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def rt(sqlite_db: Engine, clock: VirtualClock, calendar: BusinessCalendar, password_hash: str) -> Runtime:
    runtime = Runtime(sqlite_db, clock, calendar, Policy())
    with Session(sqlite_db) as session:
        seed_demo_catalogue(session)
        for user, role in USERS:
            ensure_user(session, user, role)
            set_password(session, user, password_hash)
        ensure_user(session, "wang", "rechecker")  # wang also rechecks: four eyes must stop him on his own
        session.commit()
    return runtime


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    app = create_app(Settings(), rt=rt, secret_key="test-secret")  # noqa: S106 - a test key
    with TestClient(app) as test_client:
        yield test_client
