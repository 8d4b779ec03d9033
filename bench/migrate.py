"""Bulk migration: running cases from version 1 to a version 2 that renamed the claim's first review.

    .venv/bin/python -m bench.migrate [--cases 1000]

One scenario's case is played to two waiting points (the claim to file; the claim's first review
open) and its rows are copied through the store with fresh ids and re-hashed chains, half at each
point. Version 2 renames `claim_first_review` to `claim_first_review__v2` (same task, new element
id), so the cases waiting at the claim move and those at the first review cannot. Prints the dry
run's refusals, the migration time and the replay of every case.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bpmn.deployment import assemble, content_hash, models_of
from bpmn.lint import lint_models
from cases.migrate import MigrationResult, Verdict, migrate, plan
from cases.replay import replay_case
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store import deployments, event_log
from store.tables import CaseEvent, CaseRow

SCENARIO = Path(__file__).resolve().parents[1] / "tests" / "scenarios" / "23_sla_all_on_time.yaml"
RENAMED = "claim_first_review"
CLAIM = "processes/claim.bpmn"
AT_CLAIM = 8  # steps played before the claim is open; one more opens the claim's first review
V2_FROM = date(2026, 6, 1)


def renamed_claim(files: dict[str, bytes]) -> dict[str, bytes]:
    """The models with the claim's first review renamed (its id, every reference to it and its shape)."""
    text = files[CLAIM].decode()
    for before, after in ((f'"{RENAMED}"', f'"{RENAMED}__v2"'), (f">{RENAMED}<", f">{RENAMED}__v2<")):
        text = text.replace(before, after)
    text = text.replace(f'"{RENAMED}_di"', f'"{RENAMED}__v2_di"')
    return {**models_of(files), CLAIM: text.encode()}


def clone(session: Session, case_id: int, times: int) -> list[int]:
    """Copies of a case's row and history with fresh ids, each chain re-hashed for its new case id."""
    source = session.get(CaseRow, case_id)
    assert source is not None  # noqa: S101 - played just before
    history = event_log.events(session, case_id)
    made = []
    for _ in range(times):
        row = CaseRow(
            **{
                k: getattr(source, k)
                for k in CaseRow.model_fields
                if k not in ("id", "event_seq", "head_hash")
            }
        )
        session.add(row)
        session.flush()
        assert row.id is not None  # noqa: S101 - flushed
        head = (0, "0" * 64)
        for event in history:
            copied = CaseEvent(
                **event_log.event_values(
                    row.id, head, event.type, event.actor, event.payload, event.at, event.digest
                )
            )
            session.add(copied)
            head = (copied.seq, copied.hash)
        row.event_seq, row.head_hash = head
        session.add(row)
        made.append(row.id)
    session.commit()
    return made


@dataclass
class Population:
    """The played run (its runtime and clock) and the ids of the cases at each waiting point."""

    run: ScenarioRun
    at_claim: list[int]
    at_first_review: list[int]


def populate(cases: int) -> Population:
    """Version 1 (the shipped files), ``cases`` running cases on it, and version 2 with the renamed task."""
    text, scenario = read_scenario(SCENARIO)
    run = ScenarioRun(scenario, text, BusinessCalendar())
    rt = run.rt
    v2_files = assemble(rt.policy, rt.calendar, models=renamed_claim(rt.deployment.files))
    assert not lint_models(v2_files)  # noqa: S101 - version 2 is a deployable set (the __v2 id is the same task)
    with rt.session() as session:
        policy = rt.policy.model_dump(mode="json")
        versions = (
            (rt.deployment.files, "首版", rt.policy.effective_from),
            (v2_files, f"{RENAMED} 改名", V2_FROM),
        )
        for files, reason, starts in versions:  # the cases are filed before version 2 comes into force
            deployments.add_version(
                session, _id(files), files, policy, by="bench", reason=reason, effective=(starts, None), at=rt.now(),
            )  # fmt: skip
        session.commit()
    for index, step in enumerate(scenario.steps[:AT_CLAIM]):
        run.play_step(index, step)
    case_id = run.cases["main"] if "main" in run.cases else next(iter(run.cases.values()))
    assert case_id is not None  # noqa: S101 - the application was accepted
    with rt.session() as session:
        at_claim = clone(session, case_id, cases // 2)
    run.play_step(AT_CLAIM, scenario.steps[AT_CLAIM])
    with rt.session() as session:
        at_review = clone(session, case_id, cases - cases // 2 - 1)
    return Population(run, at_claim, [case_id, *at_review])


def _id(files: dict[str, bytes]) -> str:
    return content_hash(files.items())


def run_bench(cases: int) -> tuple[list[Verdict], MigrationResult, float, int]:
    """Dry run, migration (timed) and replay of every case: (plan, result, seconds, cases that replay)."""
    population = populate(cases)
    rt = population.run.rt
    try:
        report = plan(rt, 1, 2)
        started = time.perf_counter()
        result = migrate(rt, 1, 2, by="bench", reason="批量迁移基准")
        seconds = time.perf_counter() - started
        with rt.session() as session:
            ids = [*population.at_claim, *population.at_first_review]
            replayed = sum(1 for case_id in ids if replay_case(session, case_id).ok)
    finally:
        population.run.close()
    return report, result, seconds, replayed


def main() -> None:
    """Print the dry run's refusals, the migration time and the replays."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    report, result, seconds, replayed = run_bench(args.cases)
    blocked = [v for v in report if not v.movable]
    print(
        f"dry run: {len(report)} running cases, {len(blocked)} cannot move; first: {blocked[0].reason if blocked else '-'}"
    )
    print(
        f"migrated {len(result.moved)} cases in {seconds:.1f} s ({seconds / max(1, len(result.moved)) * 1000:.1f} ms each)"
    )
    print(
        f"refused {len(result.refused)}, conflicts {len(result.conflicts)}; replay ok: {replayed}/{len(report)}"
    )


if __name__ == "__main__":
    main()
