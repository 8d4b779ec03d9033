"""The simulation decides exactly as `subsidyflow scenario run`: per-case result objects equal, histories replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import play_stream, stream_text
from domain.calendar import BusinessCalendar
from workflows.year_generator import Rates, Stream, YearSpec, generate_year

# Rates far above the defaults: a few dozen cases walk every path (return, cancel, objection, fraud,
# late reviews, low satisfaction, enterprise and individual applicants).
BUSY = Rates(returned=0.4, cancelled=0.15, objection=0.3, objection_upheld=0.4, fraud=0.08, late_review=0.6,
             low_satisfaction=0.15, low_attendance=0.3, enterprise=0.2, individual=0.15)  # fmt: skip


@pytest.fixture(scope="module")
def streams() -> list[Stream]:
    return generate_year(
        YearSpec(cases=24, per_institution=6, seed=7, rates=BUSY), BusinessCalendar(), shipped_policy()
    )


def test_the_generated_year_is_deterministic_for_a_seed(streams: list[Stream]) -> None:
    again = generate_year(
        YearSpec(cases=24, per_institution=6, seed=7, rates=BUSY), BusinessCalendar(), shipped_policy()
    )
    assert [stream_text(s) for s in again] == [stream_text(s) for s in streams]
    other = generate_year(
        YearSpec(cases=24, per_institution=6, seed=8, rates=BUSY), BusinessCalendar(), shipped_policy()
    )
    assert [stream_text(s) for s in other] != [stream_text(s) for s in streams]


def test_the_busy_year_walks_the_paths_it_claims(streams: list[Stream]) -> None:
    text = "".join(stream_text(s) for s in streams)
    for marker in ("decision: return", "event: fraud", "event: objection", "upheld_reject", "applicant_kind: enterprise",
                   "applicant_kind: individual", "credit_code"):  # fmt: skip
        assert marker in text, marker


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_each_case_is_decided_as_scenario_run_decides_it_and_replays(
    streams: list[Stream], index: int
) -> None:
    stream = streams[index]
    calendar = BusinessCalendar()
    simulated = play_stream(stream, shipped_policy(), calendar, keep_results=True, replay=True)
    text = stream_text(stream)
    run = ScenarioRun(parse_scenario(text, f"{index}.yaml"), text, calendar)
    try:
        expected = run.run()["cases"]
    finally:
        run.close()
    assert simulated.results == expected  # every field, the chain head's hash included
    assert simulated.replay_failures == []
    assert {c.label: c.status for c in simulated.cases} == {k: v["status"] for k, v in expected.items()}


def test_the_outcomes_cover_the_paths_and_the_cli_agrees(streams: list[Stream], tmp_path: Path) -> None:
    calendar = BusinessCalendar()
    played = [play_stream(s, shipped_policy(), calendar) for s in streams]
    statuses = {c.status for p in played for c in p.cases}
    assert {"paid", "cancelled", "stopped"} <= statuses
    breaches = {rule for p in played for c in p.cases for rule in c.breaches}
    assert breaches == {"opening_review", "claim_review", "payment"}
    assert any(p.status == "suspended" for p in played)
    assert any(p.hot_hits > 0 for p in played)  # commands continued on the instance the previous one left
    # the exported file through the command line: the same result objects
    path = tmp_path / "stream.yaml"
    path.write_text(stream_text(streams[0]), encoding="utf-8")
    answer = CliRunner().invoke(app, ["scenario", "run", str(path), "--json"])
    assert answer.exit_code == 0, answer.output
    simulated = play_stream(streams[0], shipped_policy(), calendar, keep_results=True)
    assert json.loads(answer.stdout)["cases"] == simulated.results
