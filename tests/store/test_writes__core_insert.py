"""``insert_rows`` stores what the ORM would store for the same values (store/writes.py), on both databases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Field, Session, SQLModel, select

from domain.calendar import SHANGHAI
from store.outbox_tables import NotificationRow
from store.tables import CaseEvent, HumanTask
from store.writes import insert_rows

AT = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
TASK = {"case_id": 1, "task_key": "opening_review", "spec_id": "opening_review", "role": "reviewer",
        "status": "open", "created_at": AT}  # fmt: skip
NOTE = {"dedupe_key": "k1", "kind": "task_ready", "recipient": "li", "channel": "inapp", "title": "待办",
        "body": "有新的待办", "status": "pending", "next_attempt_at": AT, "created_at": AT}  # fmt: skip


def _stored(session: Session, model: Any) -> list[dict[str, Any]]:
    rows = session.exec(select(model).order_by(model.id)).all()
    return [{k: v for k, v in row.model_dump().items() if k != "id"} for row in rows]


def _both_ways(engine: Engine, model: Any, values: dict[str, Any]) -> None:
    with Session(engine) as session:
        session.add(model(**values))
        session.commit()
        by_orm = _stored(session, model)
    SQLModel.metadata.drop_all(engine, tables=[model.__table__])
    SQLModel.metadata.create_all(engine, tables=[model.__table__])
    with Session(engine) as session:
        assert insert_rows(session, model, [values]) == 1
        session.commit()
        assert _stored(session, model) == by_orm


def _alone(model: Any) -> Engine:
    """SQLite with only ``model``'s table (no case rows to refer to; SQLite checks no foreign key by default)."""
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[model.__table__])
    return engine


@pytest.mark.parametrize("model,values", [(HumanTask, TASK), (NotificationRow, NOTE)], ids=["task", "note"])
def test_the_same_row_as_the_orm_defaults_included_on_sqlite(model: Any, values: dict[str, Any]) -> None:
    _both_ways(_alone(model), model, values)


@pytest.mark.postgres
def test_the_same_row_as_the_orm_defaults_included_on_postgres(postgres_db: Engine) -> None:
    _both_ways(postgres_db, NotificationRow, {**NOTE, "case_id": None})


def test_a_json_payload_and_an_aware_time_bind_as_through_the_orm() -> None:
    event = {"case_id": 1, "seq": 1, "type": "case_created", "actor": "li", "payload": {"a": [1, "二"]},
             "at": AT, "digest": "d", "prev_hash": "p", "hash": "h"}  # fmt: skip
    with Session(_alone(CaseEvent)) as session:
        insert_rows(session, CaseEvent, [event])
        session.commit()
        (stored,) = session.exec(select(CaseEvent)).all()
        assert stored.payload == {"a": [1, "二"]} and stored.at == AT and stored.at.tzinfo is not None


def test_a_required_column_left_out_or_an_unknown_one_is_refused_and_nothing_is_written(
    sqlite_db: Engine,
) -> None:
    with Session(sqlite_db) as session:
        with pytest.raises(ValueError, match="recipient"):
            insert_rows(session, NotificationRow, [{k: v for k, v in NOTE.items() if k != "recipient"}])
        with pytest.raises(ValueError, match="no such column colour"):
            insert_rows(session, NotificationRow, [{**NOTE, "colour": "red"}])
        assert insert_rows(session, NotificationRow, []) == 0
        assert session.exec(select(NotificationRow)).all() == []


def test_a_default_factory_is_refused_rather_than_shared() -> None:
    class Listed(SQLModel, table=True):
        __tablename__ = "test_listed"
        id: int | None = Field(default=None, primary_key=True)
        tags: str = Field(default_factory=lambda: "fresh")

    try:
        with pytest.raises(TypeError, match="default factory"):
            insert_rows(Session(), Listed, [{}])
    finally:  # a table of this test only: out of the schema the migrations are compared with
        SQLModel.metadata.remove(Listed.__table__)  # type: ignore[attr-defined]
