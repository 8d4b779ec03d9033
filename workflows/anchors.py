"""The daily anchoring step: sign one root over every case chain's head (called by the daily flow)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cases.anchors import anchor_day, signing_key
from cases.runtime import Runtime
from domain.calendar import SHANGHAI
from store.audit_tables import Anchor


@dataclass(frozen=True, slots=True)
class AnchorReport:
    """The day anchored: its root, how many case chains it covers, whether this call made it."""

    day: str
    root: str
    count: int
    made: bool


def anchor_today(rt: Runtime, key_file: Path | None = None) -> AnchorReport:
    """Anchor today (Beijing time): idempotent, a second call the same day returns the day's root.

    ``key_file``: the operator's Ed25519 key (default: the settings' `SUBSIDYFLOW_ANCHOR_KEY`, generated
    with 0600 permissions on first use).
    """
    if key_file is None:
        from cases.wiring import Settings

        key_file = Settings.from_env().anchor_key_path()
    key = signing_key(key_file)
    now = rt.now()
    day = now.astimezone(SHANGHAI).date()
    with rt.session() as session:
        made = session.get(Anchor, day.isoformat()) is None
        anchor = anchor_day(session, key, day, now)
        session.commit()
        return AnchorReport(anchor.day, anchor.root, anchor.count, made)
