"""Benchmark: one product command against the bare engine step, measured in the same run.

    .venv/bin/python -m bench.engine [--cases 20] [--postgres URL]

A product command = validate the form, check the rules, load the case, engine step, commit the
snapshot with its event and projections. The baseline = the bare SpiffWorkflow step on the same
workflow: deserialize the snapshot, complete the task, serialize (spec held by the deployment).
Figures are printed, with ratios; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table
from sqlmodel import col, select

from bench.stock import SpiffPassRun, stock_serializer
from bpmn.clock import VirtualClock
from bpmn.engine import CaseRun
from cases import commands
from cases.hot_runs import HotRuns
from cli import scenario_run
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.db import create_schema, drop_schema, make_engine
from store.tables import CaseEvent, CaseRow

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "scenarios" / "examples"
HAPPY = EXAMPLES / "01_happy_path.yaml"
console = Console(width=150)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


BY_TASK: dict[str, list[float]] = {}


def _timed(samples: list[float], fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = (time.perf_counter() - t0) * 1000
            samples.append(elapsed)
            BY_TASK.setdefault(str(kwargs.get("task_key")), []).append(elapsed)

    return wrapper


def product_commands(
    db_url: str, cases: int, calendar: BusinessCalendar, *, hot: bool = True
) -> tuple[list[float], list[float], list[float]]:
    """Play the happy path `cases` times; time every task command and every bare engine step.

    ``hot``: commands continue on the live instance the previous command of the process committed
    (cases/hot_runs.py, what production does); otherwise every command deserializes the snapshot.
    """
    text = HAPPY.read_text(encoding="utf-8")
    scenario = parse_scenario(text, HAPPY.name)
    product: list[float] = []
    bare: list[float] = []
    stock: list[float] = []
    original = commands.submit_task
    scenario_run.submit_task = _timed(product, commands.submit_task)  # type: ignore[attr-defined]
    try:
        # One engine for the whole run, as a server has: SQLAlchemy's statement cache is per engine.
        if db_url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(db_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        engine = make_engine(db_url)
        drop_schema(engine)
        create_schema(engine)
        label = db_url.split(":", maxsplit=1)[0]
        for i in track(range(cases), description=f"happy path × {cases} on {label}", console=console):
            # each case its own trainees (the identity seed is the file's text): the database keeps growing
            unique = f"{text}\n# bench case {i}\n"
            run = ScenarioRun(scenario, unique, calendar, engine=engine)
            if not hot:
                run.rt.hot = HotRuns(kept=0)  # nothing kept: every command deserializes
            assert run.run()["ok"]
            reference, plain = bare_steps(run)
            bare += reference
            stock += plain
        drop_schema(engine)  # leave the database as found
        engine.dispose()
    finally:
        scenario_run.submit_task = original  # type: ignore[attr-defined]
    return product, bare, stock


def bare_steps(run: ScenarioRun) -> tuple[list[float], list[float]]:
    """Re-run the case's task steps on the engine alone: deserialize, complete, serialize.

    Two baselines: our engine alone (spec held by the deployment, our engine pass: the product minus
    the database), and plain SpiffWorkflow (its stock serializer with the spec inside every snapshot
    and its own engine pass: an integration without our engine work, bench/stock.py).
    """
    by_reference: list[float] = []
    stock_samples: list[float] = []
    stock = stock_serializer()
    rt = run.rt
    case_id = run.cases["main"]
    with rt.session() as session:
        events = list(
            session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq)))
        )
    clock = VirtualClock(events[0].at)
    env = rt.environment()
    first = events[0].payload
    engine_run, _ = CaseRun.start(
        rt.deployment, env, clock, first["start"], trim=CaseRun.trims_recorded(first)
    )
    snapshot = engine_run.snapshot()
    stock_snapshot = stock.serialize_json(engine_run.workflow)
    for event in events[1:]:
        clock.move_to(max(clock.now(), event.at))
        t0 = time.perf_counter()
        step = CaseRun.load(rt.deployment, snapshot, env, clock)
        _apply(step, event)
        snapshot = step.snapshot()
        t1 = time.perf_counter()
        plain = _stock_load(stock, stock_snapshot, rt, env, clock)
        _apply(plain, event)
        stock_snapshot = stock.serialize_json(plain.workflow)
        t2 = time.perf_counter()
        if event.type == "task_completed":
            by_reference.append((t1 - t0) * 1000)
            stock_samples.append((t2 - t1) * 1000)
    return by_reference, stock_samples


def _stock_load(stock: Any, text: str, rt: Any, env: Any, clock: VirtualClock) -> CaseRun:
    from bpmn.engine.case_run import _ScriptEngine

    workflow = stock.deserialize_json(text)
    workflow.script_engine = _ScriptEngine(env, clock)
    return SpiffPassRun(rt.deployment, workflow)


def _apply(step: CaseRun, event: CaseEvent) -> None:
    payload = event.payload
    if event.type == "task_completed":
        step.complete(payload["task"], payload["engine"])
    elif event.type.startswith("message:"):
        step.deliver(payload["message"], payload["payload"])
    else:
        step.fire_due_timers()


def snapshot_sizes(calendar: BusinessCalendar) -> tuple[int, int]:
    """Bytes of the paid happy-path case: our snapshot (spec by reference) vs Spiff's stock one (spec inside)."""
    text = HAPPY.read_text(encoding="utf-8")
    run = ScenarioRun(parse_scenario(text, HAPPY.name), text, calendar)
    run.run()
    with run.rt.session() as session:
        case = session.get(CaseRow, run.cases["main"])
        assert case is not None
        engine_run = run.rt.load_run(session, case)
    stock = stock_serializer().serialize_json(engine_run.workflow)
    run.close()
    return len(case.snapshot.encode()), len(stock.encode())


def scenarios_per_second(calendar: BusinessCalendar, seconds: float = 5.0) -> tuple[float, int]:
    """Whole example scenarios played per second (in-memory SQLite, warm process)."""
    files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
    played = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for name, text in files:
            run = ScenarioRun(parse_scenario(text, name), text, calendar)
            run.run()
            run.close()
            played += 1
    return played / (time.perf_counter() - start), played


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SUBSIDYFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    calendar = BusinessCalendar()
    ScenarioRun(
        parse_scenario(HAPPY.read_text(), "warm"), HAPPY.read_text(), calendar
    ).run()  # parse the models once
    gc.collect()
    gc.freeze()  # the parsed models live as long as the process: keep them out of every collection
    table = Table(title="product command vs bare engine step (ms)")
    for column in (
        "database",
        "n",
        "product p50 / p99",
        "bare step (our engine alone) p50 / p99",
        "ratio",
        "plain SpiffWorkflow p50 / p99",
        "ratio to plain",
    ):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [
            ("SQLite (file, WAL), hot instances", f"sqlite:///{tmp}/bench.db", True),
            ("SQLite (file, WAL), deserialize every command", f"sqlite:///{tmp}/bench.db", False),
        ]
        if not args.no_postgres:
            targets.append(("PostgreSQL, hot instances", args.postgres, True))
        for label, url, hot in targets:
            product, bare, stock = product_commands(url, args.cases, calendar, hot=hot)
            p50, p99 = statistics.median(product), _percentile(product, 99)
            b50, b99 = statistics.median(bare), _percentile(bare, 99)
            s50, s99 = statistics.median(stock), _percentile(stock, 99)
            table.add_row(
                label, str(len(product)), f"{p50:.1f} / {p99:.1f}", f"{b50:.1f} / {b99:.1f}",
                f"{p50 / b50:.2f} / {p99 / b99:.2f}", f"{s50:.1f} / {s99:.1f}", f"{p50 / s50:.2f} / {p99 / s99:.2f}",
            )  # fmt: skip
    console.print(table)
    per_task = Table(title="product command p50 by task, all databases (ms)")
    per_task.add_column("task")
    per_task.add_column("p50", justify="right")
    for key, values in sorted(BY_TASK.items(), key=lambda kv: -statistics.median(kv[1])):
        per_task.add_row(key, f"{statistics.median(values):.2f}")
    console.print(per_task)
    ours, stock_size = snapshot_sizes(calendar)
    console.print(
        f"snapshot of a paid case: {ours / 1024:.1f} KiB (spec by reference) vs {stock_size / 1024:.1f} KiB (stock serializer, spec inside)"
    )
    rate, played = scenarios_per_second(calendar)
    console.print(f"whole example scenarios: {rate:.1f} per second ({played} played, in-memory SQLite)")


if __name__ == "__main__":
    main()
