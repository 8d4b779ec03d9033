"""The integrity check remembers events it found whole, by every stored byte, and nothing else.

Every command checks its case's whole chain; an event read again exactly as it was verified is not
re-hashed (store/event_log.py ``content_holds``). An edit that Python's ``==`` would not see (a JSON
1 turned into ``true``, 1 into 1.0) changes the stored text, so the event is hashed again and found.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from cases import integrity
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store import event_log
from store.tables import CaseRow

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


@pytest.fixture
def played(tmp_path: Path) -> Iterator[ScenarioRun]:
    source = HAPPY.read_text(encoding="utf-8")
    run = ScenarioRun(
        parse_scenario(source, "memo"), source, BusinessCalendar(), f"sqlite:///{tmp_path}/m.db"
    )
    run.run()
    yield run
    run.close()


def _findings(run: ScenarioRun) -> list[integrity.Finding]:
    with Session(run.rt.db) as session:
        case = session.get(CaseRow, run.cases["main"])
        assert case is not None
        return integrity.findings(session, case)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = event_log.rehash

    def counted(event: Any, **kwargs: Any) -> str:
        calls.append(event.seq)
        return original(event, **kwargs)

    monkeypatch.setattr(event_log, "rehash", counted)
    return calls


def test_a_chain_read_again_unchanged_is_not_rehashed(
    played: ScenarioRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_log._VERIFIED.clear()
    calls = _counting(monkeypatch)
    assert _findings(played) == []
    first = len(calls)
    assert first > 10  # every event hashed once
    assert _findings(played) == []
    assert len(calls) == first  # the second check hashed nothing


def _edit_first(run: ScenarioRun, before: str, after: str) -> None:
    """Replace ``before`` by ``after`` in the stored text of the case's first event holding it."""
    with run.rt.db.begin() as connection:
        row = connection.execute(
            text(
                "SELECT id, payload FROM case_event WHERE case_id = :c AND instr(payload, :b) > 0 ORDER BY seq"
            ),
            {"c": run.cases["main"], "b": before},
        ).first()
        assert row is not None
        connection.execute(
            text("UPDATE case_event SET payload = :p WHERE id = :i"),
            {"p": row.payload.replace(before, after, 1), "i": row.id},
        )


@pytest.mark.parametrize(
    ("before", "after"),
    [('"planned_count": 40', '"planned_count": 40.0'), ('"key_group": false', '"key_group": 0')],
)
def test_an_edit_python_calls_equal_is_still_found(
    played: ScenarioRun, monkeypatch: pytest.MonkeyPatch, before: str, after: str
) -> None:
    assert _findings(played) == []  # every event verified and remembered
    _edit_first(played, before, after)
    calls = _counting(monkeypatch)
    assert {f.kind for f in _findings(played)} & {"edited", "reordered"}
    assert calls  # the edited event was hashed again, not taken from memory


def test_a_text_change_that_keeps_the_content_is_rehashed_and_holds(
    played: ScenarioRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _findings(played) == []
    _edit_first(
        played, '{"start": ', '{"start":   '
    )  # whitespace: the canonical form, hence the hash, is the same
    calls = _counting(monkeypatch)
    assert _findings(played) == []
    assert calls == [1]  # only the event whose stored text changed was hashed again
