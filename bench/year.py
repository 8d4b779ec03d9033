"""Benchmark: a simulated year through the production command path, against bare SpiffWorkflow in memory.

    .venv/bin/python -m bench.year [--province 5000] [--national 300000] [--sweep 0.1,0.3,1.0]
                                   [--budget 600] [--workers 2] [--bare-sample 10]

Every case is played by `subsidyflow simulate`'s engine (cli/simulation.py: the scenario runner, so
the same commands, checks, rules, engine steps, commits and due-work loop as production), one
in-memory SQLite per institution stream, in ``--workers`` processes. A point whose projected time
exceeds ``--budget`` seconds is measured on a sample of its streams (as many as fit the budget) and
extrapolated linearly, and the table says so. The baselines, measured in the same run: the same
cases' recorded steps re-run in memory (start, complete / deliver / timers; no database, no
snapshot) by plain SpiffWorkflow (its own engine pass, as a plain SpiffWorkflow program would run
them) and by our engine alone (bench/stock.py). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import time
from dataclasses import dataclass

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlmodel import col, select

from bench.stock import SpiffPassRun
from bpmn.clock import VirtualClock
from bpmn.engine import CaseRun
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import Variant, peak_rss_mib, play_stream, play_year
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store.tables import CaseEvent
from workflows.year_generator import Stream, YearSpec, generate_year

console = Console(width=150)


@dataclass
class Point:
    """One measured (or extrapolated) year size."""

    label: str
    cases: int
    measured_cases: int
    seconds: float  # for the measured cases
    hits: int
    misses: int

    @property
    def rate(self) -> float:
        return self.measured_cases / self.seconds

    @property
    def total(self) -> float:
        return self.cases / self.rate


def bare_seconds(run: ScenarioRun, sink: list[tuple[int, float]], run_class: type[CaseRun] = CaseRun) -> None:
    """Re-run every case's recorded events on the bare engine in memory; (cases, seconds) into ``sink``.

    ``run_class``: ``CaseRun`` is our engine alone; ``SpiffPassRun`` steps with SpiffWorkflow's own
    engine pass, as a plain SpiffWorkflow program would (bench/stock.py).
    """
    rt = run.rt
    with rt.session() as session:
        events = list(session.exec(select(CaseEvent).order_by(col(CaseEvent.case_id), col(CaseEvent.seq))))
    by_case: dict[int, list[CaseEvent]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    env = rt.environment()
    t0 = time.perf_counter()
    for history in by_case.values():
        clock = VirtualClock(history[0].at)
        engine: CaseRun | None = None
        for event in history:
            clock.move_to(max(clock.now(), event.at))
            payload = event.payload
            if event.type == "case_created":
                trim = (
                    CaseRun.trims_recorded(payload) and run_class is not SpiffPassRun
                )  # plain Spiff keeps all
                engine, _ = run_class.start(rt.deployment, env, clock, payload["start"], trim=trim)
            elif engine is None:
                continue
            elif event.type == "task_completed":
                engine.complete(payload["task"], payload["engine"])
            elif event.type.startswith("message:"):
                engine.deliver(payload["message"], payload["payload"])
            elif event.type in ("timers_fired", "objection_joined"):
                engine.fire_due_timers()
    sink.append((len(by_case), time.perf_counter() - t0))


def measure(label: str, streams: list[Stream], cases: int, variant: Variant, workers: int, budget: float,
            pilot_rate: float | None) -> Point:  # fmt: skip
    """Play the year (or the part of it that fits the budget at the pilot's rate)."""
    take = streams
    if pilot_rate is not None and cases / pilot_rate > budget:
        share = budget * pilot_rate / cases
        take = streams[: max(workers, round(len(streams) * share))]
    measured = sum(len(s.labels) for s in take)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"{label}: {measured} of {cases} cases", total=measured)
        t0 = time.perf_counter()
        played = play_year(take, variant, workers=workers, progress=lambda n: progress.advance(task, n))
        seconds = time.perf_counter() - t0
    return Point(
        label, cases, measured, seconds, sum(p.hot_hits for p in played), sum(p.hot_misses for p in played)
    )


def hot_vs_cold(calendar: BusinessCalendar, policy: Policy, rounds: int) -> tuple[float, float, int]:
    """CPU seconds of the same streams played with hot instances and without, alternating stream by stream.

    CPU time of this process (not wall time) and alternation per stream: the machine's other load
    changes from minute to minute and would otherwise decide the comparison.
    """
    streams = generate_year(YearSpec(cases=40, seed=9), calendar, policy)
    spent = {True: 0.0, False: 0.0}
    for round_ in range(rounds):
        for i, stream in enumerate(streams):
            first = (i + round_) % 2 == 0
            for flag in (first, not first):
                t0 = time.process_time()
                play_stream(stream, policy, calendar, hot=flag)
                spent[flag] += time.process_time() - t0
    return spent[True], spent[False], sum(len(s.labels) for s in streams)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", type=int, default=5000)
    parser.add_argument("--national", type=int, default=300_000)
    parser.add_argument("--sweep", default="0.1,0.3,1.0")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds per point before extrapolating")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="hot vs cold comparison rounds")
    parser.add_argument("--bare-sample", type=int, default=10, help="streams re-run on the bare engine")
    args = parser.parse_args()
    calendar, policy = BusinessCalendar(), shipped_policy()
    variant = Variant("现行方案", policy, calendar)
    started = time.perf_counter()
    # pilot: parse the models, warm the process, and a first rate for the budget
    pilot_streams = generate_year(YearSpec(cases=2 * 20 * args.workers, seed=1), calendar, policy)
    gc.collect()
    gc.freeze()
    pilot = measure("pilot", pilot_streams, 2 * 20 * args.workers, variant, args.workers, 1e9, None)
    cap = max(2 * 20 * args.workers, round(args.budget * pilot.rate))  # cases that fit the budget
    points = []
    sizes = [("province year", args.province, 2)] + [
        (f"national {float(share):.0%}", round(args.national * float(share)), 3 + i)
        for i, share in enumerate(args.sweep.split(","))
    ]
    for label, n, seed in sizes:
        # the generator and the streams are linear: a point beyond the budget is a sample of its own year
        streams = generate_year(YearSpec(cases=min(n, cap), seed=seed), calendar, policy)
        points.append(measure(label, streams, n, variant, args.workers, 1e9, None))
        cap = max(cap, round(args.budget * points[-1].rate))
    hot_seconds, cold_seconds, compared = hot_vs_cold(calendar, policy, args.rounds)
    sink: list[tuple[int, float]] = []
    plain_sink: list[tuple[int, float]] = []

    def both_baselines(run: ScenarioRun) -> None:
        bare_seconds(run, sink)
        bare_seconds(run, plain_sink, SpiffPassRun)

    product_t0 = time.perf_counter()
    sample = generate_year(YearSpec(cases=20 * args.bare_sample, seed=5), calendar, policy)
    for stream in sample:
        play_stream(stream, policy, calendar, inspect=both_baselines)
    baselines = sum(s for _, s in sink) + sum(s for _, s in plain_sink)
    product_seconds = time.perf_counter() - product_t0 - baselines
    bare_cases, bare_time = sum(c for c, _ in sink), sum(s for _, s in sink)
    plain_time = sum(s for _, s in plain_sink)
    table = Table(title=f"simulated year, {args.workers} processes (cases/s; time for the whole point)")
    for column in ("point", "cases", "measured", "seconds measured", "cases/s", "whole point", "hot hits"):
        table.add_column(column, justify="right")
    for p in [pilot, *points]:
        extrapolated = p.measured_cases < p.cases
        whole = f"{p.total / 60:.1f} min" + (" (extrapolated)" if extrapolated else "")
        hit_share = p.hits / max(1, p.hits + p.misses)
        table.add_row(p.label, str(p.cases), str(p.measured_cases), f"{p.seconds:.1f}", f"{p.rate:.2f}", whole,
                      f"{hit_share:.0%}")  # fmt: skip
    console.print(table)
    one, plain_one = bare_cases / bare_time, bare_cases / plain_time
    product_one = bare_cases / product_seconds
    console.print(
        f"same run, one process, {bare_cases} cases: product path {product_one:.2f} cases/s; in memory, no database: "
        f"plain SpiffWorkflow (its own engine pass) {plain_one:.2f} cases/s (product ÷ plain = {product_one / plain_one:.2f}×), "
        f"our engine alone {one:.2f} cases/s (product ÷ engine alone = {product_one / one:.2f}×)"
    )
    rates = [p.rate for p in points[1:]]
    if rates:
        console.print(f"linearity: cases/s across the national points {', '.join(f'{r:.2f}' for r in rates)} "
                      f"(max/min {max(rates) / min(rates):.2f})")  # fmt: skip
    console.print(
        f"hot instances, same streams alternating ({args.rounds} rounds, {compared} cases a round, one process): "
        f"{hot_seconds:.1f} CPU s hot vs {cold_seconds:.1f} CPU s deserializing every command "
        f"({cold_seconds / hot_seconds:.2f}× faster)"
    )
    console.print(f"memory high-water mark: {peak_rss_mib():.0f} MiB (this process and its workers); "
                  f"bench wall time {time.perf_counter() - started:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
