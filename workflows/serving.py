"""Serving the flows beside the web app: a scheduler thread that runs each flow through Prefect on time.

Every run is a Prefect flow run (recorded by the API: the embedded default is Prefect's local
ephemeral API on SQLite under var/prefect; at scale `PREFECT_API_URL` names a Prefect server).
The flows are called in this process rather than served as deployments because a served
deployment starts a new Python process for each run, and due work is checked every second:

- ``fire_timers`` and ``disburse_payments`` run as soon as the timer or payment index says
  something is due (a cheap indexed query each second), and every minute in any case;
- the others on their intervals (``SCHEDULE``).

``serve_flows`` returns when ``stop_event`` is set, after the flow run in progress ends.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from cases.wiring import Settings

log = logging.getLogger(__name__)

PREFECT_HOME = Path("var") / "prefect"
DUE_WORK = ("fire_timers", "disburse_payments")  # woken by the indexes as well as on schedule
SCHEDULE: Mapping[str, float] = {  # seconds between runs
    "fire_timers": 60.0,
    "disburse_payments": 60.0,
    "dispatch_notifications": 30.0,
    "escalate_sla": 600.0,
    "reconcile_payments": 3600.0,
    "monthly_report": 6 * 3600.0,  # kept once a month; due before the 6th (004 三(一))
}
TICK = 1.0  # seconds between looks at the due-work indexes
WAKE_GAP = 2.0  # seconds at least between two woken runs of a flow (work that stays due never spins)


def prefect_environment() -> None:
    """Prefect's home under var/prefect (its SQLite API database), unless the environment says otherwise."""
    if "PREFECT_HOME" not in os.environ:
        PREFECT_HOME.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(PREFECT_HOME.resolve())
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the local API starts in seconds on an idle machine, far slower on a busy one: never fail the first run
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def serve_flows(
    settings: Settings,
    stop_event: threading.Event,
    *,
    schedule: Mapping[str, float] = SCHEDULE,
    tick: float = TICK,
) -> dict[str, int]:
    """Run the flows on their schedule until ``stop_event`` is set: how many runs of each flow."""
    prefect_environment()
    # The flows read the settings from the environment (each run may be a worker of its own).
    os.environ.update({k: v for k, v in _settings_env(settings).items() if v is not None})
    from workflows.claims import worker_name
    from workflows.flows import FLOWS, machinery
    from workflows.steps import has_due_work

    _, rt = machinery()
    runs = dict.fromkeys(schedule, 0)
    next_at = dict.fromkeys(schedule, 0.0)
    last = dict.fromkeys(schedule, float("-inf"))
    while not stop_event.is_set():
        now = time.monotonic()
        woken = has_due_work(rt, worker_name())
        for name, every in schedule.items():
            if stop_event.is_set():
                break
            if now >= next_at[name] or (woken and name in DUE_WORK and now >= last[name] + WAKE_GAP):
                next_at[name], last[name] = now + every, now
                runs[name] += 1
                try:
                    FLOWS[name]()
                except Exception:  # a failed run is recorded by Prefect; the next one tries again
                    log.exception("flow %s failed", name)
        stop_event.wait(tick)
    return runs


def _settings_env(settings: Settings) -> dict[str, str | None]:
    return {
        "SUBSIDYFLOW_DATABASE_URL": settings.database_url,
        "SUBSIDYFLOW_POLICY_FILE": settings.policy_file,
        "SUBSIDYFLOW_CALENDAR_FILE": settings.calendar_file,
        "SUBSIDYFLOW_GATEWAY_URL": settings.gateway_url,
        "SUBSIDYFLOW_SLA_REMINDER_WORKING_DAYS": str(settings.sla_reminder_working_days),
    }


def start_flows(settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """``serve_flows`` in a daemon thread: the thread and the event that stops it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_flows, args=(settings, stop), name="subsidyflow-flows", daemon=True
    )
    thread.start()
    return thread, stop
