"""The Prefect flows of the machinery: each a sequence of idempotent steps (workflows/steps.py and friends).

Long human waits live in the engine's persisted state, never in a flow run: a flow run here is
seconds long, does the work that is due, and ends. Each flow reads the settings from the
environment (cases/wiring.py) and works on a runtime cached per process. Prefect is imported
here and in workflows/serving.py only (import-linter).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from threading import Lock
from typing import Any

from prefect import flow, task

from cases.runtime import Runtime
from cases.wiring import Settings, runtime
from workflows.claims import worker_name
from workflows.notifications import channels_from_settings
from workflows.notifications import dispatch_notifications as dispatch_step
from workflows.reconcile import reconcile_payments as reconcile_step
from workflows.reports import monthly_report_files
from workflows.sla import remind_and_escalate
from workflows.steps import disburse_due_payments, fire_due_timers, gateway_of

_RUNTIMES: dict[Settings, Runtime] = {}
_LOCK = Lock()
RECONCILE_WINDOW = timedelta(days=7)  # paid rows older than this were reconciled many times over


def machinery() -> tuple[Settings, Runtime]:
    """The environment's settings and their runtime (built once per process: deploying costs a moment)."""
    settings = Settings.from_env()
    with _LOCK:
        rt = _RUNTIMES.get(settings)
        if rt is None:
            rt = _RUNTIMES[settings] = runtime(settings)
    return settings, rt


@task(name="claim-and-fire-due-timers")
def fire_due_timers_step() -> dict[str, Any]:
    """Due timers (found through the timer index, claimed) → engine steps; an alert once per blocked case."""
    _, rt = machinery()
    done = fire_due_timers(rt, worker_name())
    return {"moved": len(done.moved), "blocked": [c for c, _ in done.blocked],
            "quarantined": [c for c, _ in done.quarantined], "alerts": done.alerts}  # fmt: skip


@flow(name="fire_timers", log_prints=False)
def fire_timers() -> dict[str, Any]:
    """Fire every due timer (SLA deadlines, notice periods, …) exactly once across workers."""
    return fire_due_timers_step()


@task(name="send-sla-reminders-and-escalations")
def escalate_sla_step() -> dict[str, int]:
    """Reminders N working days before a task's deadline, escalations at it: each once."""
    settings, rt = machinery()
    return remind_and_escalate(rt, settings.sla_reminder_working_days)


@flow(name="escalate_sla", log_prints=False)
def escalate_sla() -> dict[str, int]:
    """SLA reminders and escalations through the notification outbox (breaches are the engine's timers)."""
    return escalate_sla_step()


@task(name="dispatch-outbox")
def dispatch_notifications_step() -> dict[str, int]:
    """Due outbox rows out through their channels (workflows/notifications.py)."""
    settings, rt = machinery()
    report = dispatch_step(rt, channels_from_settings(settings), rt.now())
    return {"sent": len(report.sent), "retried": len(report.retried), "dead": len(report.dead)}


@flow(name="dispatch_notifications", log_prints=False)
def dispatch_notifications() -> dict[str, int]:
    """Send the outbox's due messages, with retries and back-off."""
    return dispatch_notifications_step()


@task(name="send-due-payments")
def disburse_payments_step() -> dict[str, Any]:
    """Due payments (claimed) → the gateway with their idempotency keys."""
    settings, rt = machinery()
    gateway = gateway_of(settings)
    if gateway is None:
        return {"skipped": "未配置支付网关（SUBSIDYFLOW_GATEWAY_URL），待支付的款项继续等待"}
    try:
        return {"outcomes": disburse_due_payments(rt, gateway, worker_name())}
    finally:
        gateway.close()


@flow(name="disburse_payments", log_prints=False)
def disburse_payments() -> dict[str, Any]:
    """Pay every due payment exactly once (the gateway answers a repeated key with its first result)."""
    return disburse_payments_step()


@task(name="compare-with-gateway")
def reconcile_payments_step() -> dict[str, Any]:
    """Our payment rows against the gateway's record: settle what it paid, report what differs."""
    settings, rt = machinery()
    gateway = gateway_of(settings)
    if gateway is None:
        return {"skipped": "未配置支付网关（SUBSIDYFLOW_GATEWAY_URL），未对账"}
    try:
        report = reconcile_step(rt, gateway, worker_name(), paid_since=rt.now() - RECONCILE_WINDOW)
    finally:
        gateway.close()
    return {"checked": report.checked, "settled": report.settled,
            "mismatches": [c for c, _ in report.mismatches], "unreachable": report.unreachable}  # fmt: skip


@flow(name="reconcile_payments", log_prints=False)
def reconcile_payments() -> dict[str, Any]:
    """Reconcile payments with the gateway; every mismatch raised once as an operator alert."""
    return reconcile_payments_step()


@task(name="write-and-keep-report")
def monthly_report_step(period: str | None, replace: bool) -> dict[str, str]:
    """The month's XLSX and PDF, computed and kept with their sha256."""
    _, rt = machinery()
    return monthly_report_files(rt, period, replace=replace)


@flow(name="monthly_report", log_prints=False)
def monthly_report(period: str | None = None, replace: bool = False) -> dict[str, str]:
    """004 三(一): last month's progress report (kept once; ``replace`` writes it again)."""
    return monthly_report_step(period, replace)


FLOWS: dict[str, Callable[[], object]] = {
    "fire_timers": fire_timers,
    "disburse_payments": disburse_payments,
    "dispatch_notifications": dispatch_notifications,
    "escalate_sla": escalate_sla,
    "reconcile_payments": reconcile_payments,
    "monthly_report": monthly_report,
}
