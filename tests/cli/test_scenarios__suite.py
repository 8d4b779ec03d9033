"""Every scenario (the contract's examples and our own suite) holds, on SQLite and on PostgreSQL.

Each command re-loads its snapshot and requires the same state (round trip at every step), and
every case's history replays to the recorded digest at every event.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests_support import postgres_engine, postgres_url

from cases.replay import replay_case
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.db import create_schema, drop_schema

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "scenarios"
FILES = [
    *sorted((CONTRACT / "examples").glob("*.yaml")),
    *sorted((CONTRACT / "examples-v2").glob("*.yaml")),
    *sorted((ROOT / "tests" / "scenarios").glob("*.yaml")),
]


def _play(path: Path, db_url: str) -> None:
    text = path.read_text(encoding="utf-8")
    run = ScenarioRun(parse_scenario(text, path.name), text, BusinessCalendar(), db_url, check_roundtrip=True)
    try:
        result = run.run()
        assert result["ok"], result.get("mismatches")
        with run.rt.session() as session:
            for case_id in (c for c in run.cases.values() if c is not None):
                report = replay_case(session, case_id)
                assert report.ok, report
    finally:
        run.close()


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario_holds_on_sqlite(path: Path) -> None:
    _play(path, "sqlite://")


@pytest.mark.postgres
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario_holds_on_postgres(path: Path) -> None:
    engine: Engine = postgres_engine()
    drop_schema(engine)
    create_schema(engine)
    try:
        _play(path, postgres_url())
    finally:
        drop_schema(engine)
        engine.dispose()


def test_the_same_file_gives_the_same_result_and_history_twice() -> None:
    path = FILES[0]
    text = path.read_text(encoding="utf-8")
    results = []
    for _ in range(2):
        run = ScenarioRun(parse_scenario(text, path.name), text, BusinessCalendar())
        try:
            results.append(run.run())
        finally:
            run.close()
    assert results[0] == results[1]
    assert all(case["history_hash"] for case in results[0]["cases"].values())
