"""Playing a year of cases on the virtual clock, through the same runner as `subsidyflow scenario run`.

Each stream (one institution's classes, `workflows/year_generator.py`) is a scenario played by
:class:`cli.scenario_run.ScenarioRun` on its own throw-away database: every decision is made by the
production command path (`cases.commands.submit_task`, `cases.case_events`, `workflows.due_work`).
Streams share nothing, so they are played by several processes (each its own in-memory SQLite) and
their outcomes merged; a stream's per-case result objects are those `scenario run` prints for the
stream as a file (`tests/workflows/test_simulation__equivalence.py`).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from sqlmodel import col, select

from cases.hot_runs import HotRuns
from cases.replay import replay_case
from cli.scenario_file import Scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.tables import CaseEvent, Institution
from workflows.year_generator import Stream

FULL_QUOTA = 100
STAGES = ("opening_review", "claim_review", "payment", "whole")
STAGE_NAMES = {
    "opening_review": "开班审核",
    "claim_review": "补贴审核",
    "payment": "公示后至拨付",
    "whole": "申请至拨付",
}


@dataclass(frozen=True)
class CaseOutcome:
    """What one case came to: its result object's figures, and the working days each stage took."""

    label: str
    institution: str
    level: str
    kind: str
    status: str
    planned: int
    eligible: int
    amount_fen: int
    paid_fen: int
    breaches: tuple[str, ...]
    refusals: tuple[tuple[str, str], ...]  # (task or event, error code) of each refused step
    stage_days: dict[str, int]


@dataclass
class StreamOutcome:
    """One stream played: its cases, the institution's final status, its quota and use."""

    institution: str
    status: str | None
    quota: int | None
    quota_used: int
    cases: list[CaseOutcome]
    results: dict[str, Any] | None = None  # the whole result objects, when asked for (tests)
    steps: int = 0
    replay_failures: list[str] = field(
        default_factory=list
    )  # cases whose history did not replay (when checked)
    hot_hits: int = (
        0  # commands that continued on the live instance the previous one left (cases/hot_runs.py)
    )
    hot_misses: int = 0


def stream_text(stream: Stream) -> str:
    """The stream as a scenario file (what `subsidyflow scenario run FILE` reads).

    libyaml's emitter when PyYAML has it (the same text as the pure-Python one, a third of the time:
    a 20-class stream is ~100 ms of emitting in Python), else the pure-Python one.
    """
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(stream.scenario, Dumper=dumper, allow_unicode=True, sort_keys=False, width=200))


def _stage_days(
    run: ScenarioRun, case_id: int, calendar: BusinessCalendar, result: dict[str, Any]
) -> dict[str, int]:
    with run.rt.session() as session:
        rows = session.exec(
            select(CaseEvent.type, CaseEvent.at, CaseEvent.payload).where(CaseEvent.case_id == case_id)
            .order_by(col(CaseEvent.seq))
        ).all()  # fmt: skip
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for type_, at, payload in rows:
        task = payload.get("task") if type_ == "task_completed" else type_
        first.setdefault(str(task), at)
        last[str(task)] = at

    def days(a: datetime | None, b: datetime | None) -> int | None:
        if a is None or b is None:
            return None
        return calendar.working_days_between(a.astimezone(SHANGHAI).date(), b.astimezone(SHANGHAI).date())

    paid_at = result["payment"]["paid_at"]
    paid = datetime.fromisoformat(paid_at) if paid_at else None
    notice_end = result["notice"]["end"] if result.get("notice") else None
    notice_at = (
        datetime.combine(date.fromisoformat(notice_end), datetime.min.time(), SHANGHAI)
        if notice_end
        else None
    )
    found = {
        "opening_review": days(first.get("opening_application"), last.get("opening_approval")),
        "claim_review": days(last.get("subsidy_claim"), last.get("claim_recheck")),
        "payment": days(notice_at, paid),
        "whole": days(first.get("opening_application"), paid),
    }
    return {k: v for k, v in found.items() if v is not None}


def play_stream(
    stream: Stream, policy: Policy, calendar: BusinessCalendar, *, keep_results: bool = False,
    quota_pct: int = FULL_QUOTA, replay: bool = False, inspect: Callable[[ScenarioRun], None] | None = None,
    hot: bool = True, files: Mapping[str, bytes] | None = None,
) -> StreamOutcome:  # fmt: skip
    """Play one stream through the scenario runner; its cases' outcomes (``files``: a candidate's models and forms)."""
    mapping = dict(stream.scenario)
    if quota_pct != FULL_QUOTA:  # a proposed plan: every quota scaled
        plan = [
            {**line, "quota": max(0, line["quota"] * quota_pct // 100)}
            for line in mapping["fixtures"]["plan"]
        ]
        mapping["fixtures"] = {**mapping["fixtures"], "plan": plan}
    scenario = Scenario.model_validate(mapping)
    run = ScenarioRun(scenario, stream_text(stream), calendar, policy=policy, candidate=files)
    if not hot:  # benchmarks: every command deserializes the snapshot (as before cases/hot_runs.py)
        run.rt.hot = HotRuns(kept=0)
    try:
        result = run.run()
        apps: dict[str, dict[str, Any]] = {}
        refusals: dict[str, list[tuple[str, str]]] = {}
        for spec, step in zip(scenario.steps, result["steps"], strict=True):
            if spec.task == "opening_application" and isinstance(spec.data, dict):
                apps.setdefault(spec.case, spec.data)
            if not step["ok"]:
                refusals.setdefault(spec.case, []).append(
                    (spec.task or spec.event or "", step["error"]["code"])
                )
        cases: list[CaseOutcome] = []
        quota_used = 0
        for label, res in result["cases"].items():
            app = apps.get(label, {})
            case_id = run.cases.get(label)
            planned = int(app.get("planned_count", 0))
            if (
                res["status"] not in ("draft", "rejected", "cancelled", "stopped")
                and app.get("institution") == stream.institution
            ):
                quota_used += planned
            cases.append(CaseOutcome(
                label=label, institution=str(app.get("institution", stream.institution)), level=str(app.get("level", "")),
                kind=str(app.get("applicant_kind", "institution")), status=res["status"], planned=planned,
                eligible=int(res["eligible"] or 0), amount_fen=int(res["amount_fen"] or 0),
                paid_fen=int(res["payment"]["amount_fen"] or 0) if res["payment"]["paid_at"] else 0,
                breaches=tuple(b["rule"] for b in res["sla_breaches"]), refusals=tuple(refusals.get(label, ())),
                stage_days=_stage_days(run, case_id, run.rt.calendar, res) if case_id is not None else {},
            ))  # fmt: skip
        with run.rt.session() as session:
            row = session.exec(select(Institution).where(Institution.name == stream.institution)).first()
            failures = [
                label for label, case_id in run.cases.items()
                if replay and case_id is not None and not replay_case(session, case_id).ok
            ]  # fmt: skip
        plan_lines = scenario.fixtures.plan
        if inspect is not None:  # benchmarks: look at the played database before it is thrown away
            inspect(run)
        return StreamOutcome(
            institution=stream.institution, status=row.status if row else None,
            quota=plan_lines[0].quota if plan_lines else None, quota_used=quota_used, cases=cases,
            results=result["cases"] if keep_results else None, steps=len(scenario.steps),
            replay_failures=failures, hot_hits=run.rt.hot.hits, hot_misses=run.rt.hot.misses,
        )  # fmt: skip
    finally:
        run.close()


@dataclass
class Variant:
    """One deployment to judge the year by: a name, its policy, its calendar, a quota scale."""

    name: str
    policy: Policy
    calendar: BusinessCalendar
    quota_pct: int = 100
    replay: bool = False
    files: Mapping[str, bytes] | None = (
        None  # a proposed deployment's models and forms (None: the shipped ones)
    )
    streams: list[StreamOutcome] = field(default_factory=list)


_WORK: dict[str, Any] = {}


def _play_indexed(item: tuple[int, Stream]) -> tuple[int, StreamOutcome]:
    index, stream = item
    variant: Variant = _WORK["variant"]
    return index, play_stream(
        stream,
        variant.policy,
        variant.calendar,
        quota_pct=variant.quota_pct,
        replay=variant.replay,
        files=variant.files,
    )


def play_year(
    streams: list[Stream], variant: Variant, *, workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[StreamOutcome]:  # fmt: skip
    """Play every stream under ``variant`` (in ``workers`` processes); outcomes in stream order."""
    _WORK["variant"] = variant
    out: list[StreamOutcome | None] = [None] * len(streams)
    items = list(enumerate(streams))
    results: Iterator[tuple[int, StreamOutcome]]
    if workers <= 1:
        results = map(_play_indexed, items)
        for index, outcome in results:
            out[index] = outcome
            if progress:
                progress(len(outcome.cases))
    else:  # forked workers inherit the parsed models and the variant; each plays whole streams
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for index, outcome in pool.imap_unordered(_play_indexed, items, chunksize=1):
                out[index] = outcome
                if progress:
                    progress(len(outcome.cases))
    done = [o for o in out if o is not None]
    variant.streams = done
    return done


def peak_rss_mib() -> float:
    """The memory high-water mark of this process and its finished children (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def default_workers() -> int:
    """One worker per core."""
    return max(1, len(os.sched_getaffinity(0)))
