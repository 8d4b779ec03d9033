"""Benchmark: the same generated cases played by an earlier revision and by this tree, side by side.

    .venv/bin/python -m bench.ab --base REV [--cases 100] [--pairs 3] [--seed 3]

The machine's load changes from minute to minute (±15 % on CPU-bound runs here), so the two trees
run at the same time, one per core, and each reports the CPU seconds its process spent playing
the cases (``play_stream`` of a generated year, after a warm-up year). ``REV`` is checked out in a
temporary git worktree and runs on this tree's virtual environment. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
# Only what every revision since the simulator has: the runner imports the tree it is started in.
PLAY = """
import gc, sys, time
from cli.scenario_run import shipped_policy
from cli.simulation import play_stream
from domain.calendar import BusinessCalendar
from workflows.year_generator import YearSpec, generate_year
cases, seed = int(sys.argv[1]), int(sys.argv[2])
calendar, policy = BusinessCalendar(), shipped_policy()
for stream in generate_year(YearSpec(cases=20, seed=1), calendar, policy):
    play_stream(stream, policy, calendar)
streams = generate_year(YearSpec(cases=cases, seed=seed), calendar, policy)
gc.collect()
gc.freeze()
t0 = time.process_time()
for stream in streams:
    play_stream(stream, policy, calendar)
print(sum(len(s.labels) for s in streams), time.process_time() - t0)
"""


def _git(*args: str, check: bool = True) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=check)  # noqa: S603,S607 - git on our own checkout


def _start(tree: Path, cases: int, seed: int) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PLAY, str(cases), str(seed)],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def _rate(process: subprocess.Popen[str]) -> float:
    out, _ = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the run failed (exit {process.returncode})")
    played, seconds = out.split()[-2:]
    return int(played) / float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base", required=True, help="the revision to compare with (a commit, tag or branch)"
    )
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="subsidyflow-ab-") as tmp:
        base = Path(tmp) / "base"
        _git("worktree", "add", "--detach", "-q", str(base), args.base)
        try:
            table = Table(title=f"{args.cases} generated cases (seed {args.seed}), one process each, CPU s")
            for column in ("pair", f"{args.base} cases/s", "this tree cases/s", "ratio"):
                table.add_column(column, justify="right")
            ratios = []
            for pair in range(1, args.pairs + 1):
                with console.status(f"pair {pair} of {args.pairs}"):
                    old, new = _start(base, args.cases, args.seed), _start(ROOT, args.cases, args.seed)
                    before, after = _rate(old), _rate(new)
                ratios.append(after / before)
                table.add_row(str(pair), f"{before:.2f}", f"{after:.2f}", f"{after / before:.2f}×")
            console.print(table)
            console.print(f"median ratio {statistics.median(ratios):.2f}× (this tree ÷ {args.base})")
        finally:
            _git("worktree", "remove", "--force", str(base), check=False)


if __name__ == "__main__":
    main()
