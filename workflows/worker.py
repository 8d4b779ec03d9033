"""A bare machinery worker: the steps without Prefect, in a process of their own.

    python -m workflows.worker timers|payments|reconcile [--rounds N] [--every SECONDS] [--lease SECONDS]

For operators (one step by hand, e.g. during an incident) and for the crash tests, which kill it
at a chosen point (`SUBSIDYFLOW_CRASH_AT`, workflows/payments.py). Settings come from the
environment (`SUBSIDYFLOW_DATABASE_URL`, `…_GATEWAY_URL`); the claimant name from
`SUBSIDYFLOW_WORKER` (a restarted worker of the same name takes its own claims back at once).
Prints one JSON line per round: counts and case ids only, never personal data.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta
from typing import Any

from cases.runtime import Runtime
from cases.wiring import Settings, runtime
from workflows.claims import worker_name
from workflows.reconcile import reconcile_payments
from workflows.steps import BATCH, disburse_due_payments, fire_due_timers, gateway_of

STEPS = ("timers", "payments", "reconcile")
MAX_ROUNDS = 100_000


def run_step(
    step: str, rt: Runtime, settings: Settings, worker: str, lease: timedelta, batch: int = BATCH
) -> dict[str, Any]:
    """One pass of ``step``: what it did."""
    if step == "timers":
        done = fire_due_timers(rt, worker, lease=lease, batch=batch)
        return {"moved": done.moved, "blocked": [c for c, _ in done.blocked], "alerts": done.alerts}
    gateway = gateway_of(settings)
    if gateway is None:
        return {"error": "未配置支付网关（SUBSIDYFLOW_GATEWAY_URL），支付与对账未执行"}
    try:
        if step == "payments":
            return {"outcomes": disburse_due_payments(rt, gateway, worker, lease=lease, batch=batch)}
        report = reconcile_payments(rt, gateway, worker)
        return {"checked": report.checked, "settled": report.settled,
                "mismatches": [c for c, _ in report.mismatches], "unreachable": report.unreachable}  # fmt: skip
    finally:
        gateway.close()


def main(argv: list[str] | None = None) -> int:
    """Run a step ``--rounds`` times, ``--every`` seconds apart."""
    parser = argparse.ArgumentParser(prog="python -m workflows.worker")
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--every", type=float, default=1.0)
    parser.add_argument("--lease", type=float, default=120.0, help="seconds a claim holds")
    parser.add_argument("--batch", type=int, default=BATCH, help="items claimed at a time")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    rt = runtime(settings)
    worker = worker_name()
    for round_ in range(min(args.rounds, MAX_ROUNDS)):
        if round_:
            time.sleep(args.every)
        done = run_step(args.step, rt, settings, worker, timedelta(seconds=args.lease), max(1, args.batch))
        print(json.dumps({"step": args.step, "worker": worker, **done}, ensure_ascii=False), flush=True)  # noqa: T201
    rt.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
