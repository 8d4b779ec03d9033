"""The database refuses to change or delete the log; an edit made by dropping that guard is still named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session
from tests_support import postgres_engine

from cases.replay import replay_case
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.db import drop_schema, make_engine
from store.migrate import upgrade

HAPPY = Path(__file__).parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


def _play(engine: Engine) -> None:
    upgrade(engine)  # the schema as deployed: with the migration's triggers
    text_, scenario = read_scenario(HAPPY)
    run = ScenarioRun(scenario, text_, BusinessCalendar(), engine=engine)
    assert run.run()["ok"]


def _refused(engine: Engine, statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))


def _check(engine: Engine, drop_trigger: str) -> None:
    _play(engine)
    _refused(engine, "DELETE FROM case_event WHERE case_id = 1 AND seq = 17")
    _refused(engine, "UPDATE case_event SET actor = 'mallory' WHERE case_id = 1 AND seq = 3")
    _refused(engine, 'DELETE FROM "case" WHERE id = 1')
    with engine.begin() as connection:  # an archived case is read-only
        connection.execute(text("UPDATE \"case\" SET status = 'archived' WHERE id = 1"))
    with pytest.raises(DatabaseError, match="archived case is read-only"), engine.begin() as connection:
        connection.execute(text("UPDATE \"case\" SET label = 'other' WHERE id = 1"))
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM case_event")).scalar_one() == 17
        connection.execute(text(drop_trigger))  # someone with the owner's rights takes the guard off
        connection.execute(text("UPDATE case_event SET actor = 'mallory' WHERE case_id = 1 AND seq = 3"))
    with Session(engine) as session:
        report = replay_case(session, 1)
    # the edit is named; so is the status set to archived by hand, outside the log (no command did it)
    assert [(f.kind, f.seq) for f in report.findings] == [("edited", 3), ("row", 17)]


def test_sqlite_refuses_to_delete_or_change_an_event(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'guarded.db'}")
    try:
        _check(engine, "DROP TRIGGER case_event_no_update")
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_refuses_to_delete_or_change_an_event() -> None:
    engine = postgres_engine()
    drop_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    try:
        _check(engine, "DROP TRIGGER case_event_no_update ON case_event")
    finally:
        drop_schema(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()
