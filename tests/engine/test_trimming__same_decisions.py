"""Dropping finished subprocesses changes nothing a case does (bpmn/engine/case_run.py ``_trim_finished``).

A new case drops every completed subprocess whose call activity has completed, after every step.
Played trimmed and untrimmed, the contract's examples, our own scenarios and a busy generated
year (returns, cancellations, objections, fraud, late reviews) give equal result objects and equal
event logs (type, actor, time, payload), apart from the recorded digests (the snapshots differ, by
design) and the first event's record that the case trims. Every trimmed case replays to its
digests, and a snapshot written trimmed reads back to the same state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bpmn.engine import TRIMS, CaseRun
from cases.replay import replay_case
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from domain.calendar import BusinessCalendar
from store.tables import CaseEvent, CaseRow
from workflows.year_generator import Rates, YearSpec, generate_year

BUSY = Rates(returned=0.4, cancelled=0.15, objection=0.3, objection_upheld=0.4, fraud=0.08, late_review=0.6,
             low_satisfaction=0.15, low_attendance=0.3, enterprise=0.2, individual=0.15)  # fmt: skip
TESTS = Path(__file__).resolve().parents[1]
CONTRACT = TESTS.parents[1] / "shared" / "scenarios"
FILES = [
    *sorted((CONTRACT / "examples").glob("*.yaml")),
    *sorted((CONTRACT / "examples-v2").glob("*.yaml")),
    *sorted((TESTS / "scenarios").glob("*.yaml")),
]


def _year() -> list[tuple[str, str]]:
    streams = generate_year(
        YearSpec(cases=16, per_institution=4, seed=23, rates=BUSY), BusinessCalendar(), shipped_policy()
    )
    return [(s.institution, json.dumps(s.scenario, ensure_ascii=False, default=str)) for s in streams]


def _play(
    name: str, text: str, *, trim: bool
) -> tuple[dict[str, Any], list[list[tuple[Any, ...]]], dict[str, Any]]:
    """The result object (without the chain head), each case's log (without digests) and what was stored."""
    run = ScenarioRun(parse_scenario(text, name), text, BusinessCalendar())
    run.rt.trim_finished = trim
    try:
        result = run.run()
        logs: list[list[tuple[Any, ...]]] = []
        stored: dict[str, Any] = {"replays": [], "snapshots": [], "flags": []}
        with run.rt.session() as session:
            for case_id in (c for c in run.cases.values() if c is not None):
                events = session.exec(
                    select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
                )
                log = []
                for e in events:
                    payload = dict(e.payload)
                    if e.type in ("case_created", "fraud_recovery_started"):
                        stored["flags"].append(payload.pop(TRIMS, None))
                    log.append((e.seq, e.type, e.actor, e.at, payload))
                logs.append(log)
                stored["replays"].append(replay_case(session, case_id).ok)
                case = session.get(CaseRow, case_id)
                assert case is not None
                stored["snapshots"].append(case.snapshot)
        for case in result["cases"].values():
            case.pop("history_hash")
        return result, logs, stored
    finally:
        run.close()


def _tasks(snapshot: str) -> int:
    tree = json.loads(snapshot)
    return len(tree["tasks"]) + sum(len(sub["tasks"]) for sub in tree["subprocesses"].values())


def _finished_kept(snapshot: str) -> int:
    """Completed subprocesses of a snapshot whose call activity has completed too."""
    tree = json.loads(snapshot)
    tasks = dict(tree["tasks"])
    for sub in tree["subprocesses"].values():
        tasks.update(sub["tasks"])
    return sum(
        1 for key, sub in tree["subprocesses"].items() if sub["completed"] and tasks[key]["state"] == 64
    )  # 64: COMPLETED


@pytest.mark.parametrize("name,text", [*((p.name, p.read_text(encoding="utf-8")) for p in FILES), *_year()],
                         ids=[*(p.stem for p in FILES), *(f"year-{i}" for i in range(len(_year())))])  # fmt: skip
def test_a_trimmed_case_decides_and_records_what_an_untrimmed_one_does(name: str, text: str) -> None:
    trimmed, trimmed_logs, kept = _play(name, text, trim=True)
    untrimmed, untrimmed_logs, full = _play(name, text, trim=False)
    assert trimmed == untrimmed
    assert trimmed_logs == untrimmed_logs
    assert set(kept["flags"]) <= {True} and set(full["flags"]) <= {None}
    assert all(kept["replays"]) and all(full["replays"])
    assert all(_finished_kept(s) == 0 for s in kept["snapshots"])
    assert all(_tasks(a) <= _tasks(b) for a, b in zip(kept["snapshots"], full["snapshots"], strict=True))


def test_the_paid_happy_path_keeps_a_tenth_of_its_snapshot() -> None:
    path = CONTRACT / "examples" / "01_happy_path.yaml"
    _, _, kept = _play(path.name, path.read_text(encoding="utf-8"), trim=True)
    _, _, full = _play(path.name, path.read_text(encoding="utf-8"), trim=False)
    (small,), (large,) = kept["snapshots"], full["snapshots"]
    assert _finished_kept(large) >= 8  # every phase, kept by Spiff
    assert len(small) * 5 < len(large)
    assert json.loads(small)[TRIMS] is True and TRIMS not in json.loads(large)


def test_only_a_recorded_true_trims_on_replay() -> None:
    assert CaseRun.trims_recorded({"start": {}, TRIMS: True})
    for payload in (
        {"start": {}},
        {"start": {}, TRIMS: "true"},
        {"start": {}, TRIMS: 1},
        {"start": {}, TRIMS: False},
    ):
        assert not CaseRun.trims_recorded(payload)
