"""The dispatch step: due outbox messages out through their channels, each sent once, retried with back-off.

A row is claimed with a guarded UPDATE before it is sent (store/outbox.py), so two dispatchers
running at once never send it twice; a dispatcher that dies mid-send leaves a claim whose lease
runs out, and the row is tried again. Failures wait 1 min, 5 min, 15 min, 1 h, 4 h; after the
last attempt the row is a dead letter for an admin (store.outbox.dead_letters).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases.runtime import Runtime
from cases.wiring import Settings
from notifications.channels.base import Channel, ChannelKind, Delivery, PermanentFailure, TransientFailure
from notifications.channels.email import SmtpChannel
from notifications.channels.inapp import InAppChannel
from notifications.channels.webhook import DINGTALK_HOSTS, WECOM_HOSTS, WebhookChannel
from store import outbox

RETRY_DELAYS = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4),
)  # fmt: skip
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1  # the first attempt and one per delay; then a dead letter
LEASE = timedelta(minutes=10)  # a claim older than this belongs to a dispatcher that died
BATCH = 200


def next_attempt(attempts: int, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> datetime | None:
    """When to try again after the ``attempts``-th failure, or None: give up (a dead letter)."""
    if attempts >= max_attempts:
        return None
    return now + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


@dataclass
class DispatchReport:
    """What one dispatch pass did, by outbox row id."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)
    taken_elsewhere: list[int] = field(default_factory=list)  # claimed or settled by another dispatcher


def dispatch_notifications(
    rt: Runtime,
    channels: Mapping[ChannelKind, Channel] | Iterable[Channel],
    now: datetime,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    limit: int = BATCH,
) -> DispatchReport:
    """Send every message due by ``now`` (at most ``limit``) through its channel; idempotent, safe to run twice."""
    by_kind = dict(channels) if isinstance(channels, Mapping) else {c.kind: c for c in channels}
    report = DispatchReport()
    token = uuid.uuid4().hex
    with rt.session() as session:
        due = outbox.due_ids(session, now, limit)
        session.rollback()
        for row_id in due:
            row = outbox.claim(session, row_id, token, now, LEASE)
            if row is None:
                report.taken_elsewhere.append(row_id)
                continue
            channel = by_kind.get(ChannelKind(row.channel))
            try:
                if channel is None:
                    raise TransientFailure(f"channel {row.channel} not configured")
                channel.send(Delivery(row_id, row.address, row.title, row.body))
            except PermanentFailure as failed:
                kept = outbox.settle(
                    session, row_id, token, "dead", now, error=f"{type(failed).__name__}: {failed}"
                )
                (report.dead if kept else report.taken_elsewhere).append(row_id)
                continue
            except TransientFailure as failed:
                later = next_attempt(row.attempts, now, max_attempts)
                status = "pending" if later is not None else "dead"
                kept = outbox.settle(
                    session, row_id, token, status, now, next_attempt_at=later,
                    error=f"{type(failed).__name__}: {failed}",
                )  # fmt: skip
                bucket = report.retried if later is not None else report.dead
                (bucket if kept else report.taken_elsewhere).append(row_id)
                continue
            kept = outbox.settle(session, row_id, token, "sent", now)
            (report.sent if kept else report.taken_elsewhere).append(row_id)
    return report


def channels_from_settings(settings: Settings) -> list[Channel]:
    """The channels the settings configure: in-app and both robots always, e-mail with an SMTP host."""
    extra = frozenset(settings.webhook_hosts)
    found: list[Channel] = [
        InAppChannel(),
        WebhookChannel(ChannelKind.WECOM, allowed_hosts=WECOM_HOSTS | extra),
        WebhookChannel(ChannelKind.DINGTALK, allowed_hosts=DINGTALK_HOSTS | extra),
    ]
    if settings.smtp_host:
        found.append(
            SmtpChannel(
                settings.smtp_host, settings.smtp_port, settings.smtp_from, username=settings.smtp_user,
                password=settings.smtp_password, starttls=settings.smtp_starttls,
            )
        )  # fmt: skip
    return found
