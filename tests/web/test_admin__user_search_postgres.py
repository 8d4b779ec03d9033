"""The administrators' name-prefix search finds the same users on PostgreSQL whatever the column's collation.

A linguistic collation (the database's locale, or ICU) does not sort by code point: the range
``prefix ≤ name < prefix + U+10FFFF`` then misses users (glibc zh_CN: "wang" misses "wangxiao") or
takes others ("Wang" under ICU). The column here is given ICU's root collation, as a bureau's database
created with a zh_CN or ICU locale would have it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from store.catalogue import ensure_user
from web.admin_catalogue import users

NAMES = ("wang", "wangxiao", "Wang", "WANG2", "wan", "app0010", "app0011", "app0100", "w", "王五", "王小明")


@pytest.mark.postgres
@pytest.mark.parametrize("collation", ["und-x-icu", "zh-x-icu"])
def test_a_prefix_finds_exactly_the_names_that_start_with_it(postgres_db: Engine, collation: str) -> None:
    with postgres_db.begin() as connection:
        connection.execute(
            text(f'ALTER TABLE app_user ALTER COLUMN username TYPE varchar(100) COLLATE "{collation}"')
        )
    with Session(postgres_db) as session:
        for name in NAMES:
            ensure_user(session, name, "applicant")
        session.commit()
        for prefix in ("wang", "w", "app001", "app", "王", "王小", "W", "x"):
            found = {u.username for u in users(session, prefix).users}
            assert found == {n for n in NAMES if n.startswith(prefix)}, prefix
        assert {u.username for u in users(session, "wa", "applicant").users} == {"wang", "wangxiao", "wan"}
