"""The Clock port: nothing reads the wall clock directly, Spiff timers included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant (timezone-aware)."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The wall-clock instant, in UTC."""
        return datetime.now(UTC)


class VirtualClock:
    """A clock that only moves when told to: scenarios and simulations drive it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        """The simulated instant."""
        return self._now

    def move_to(self, instant: datetime) -> None:
        """Move forward to ``instant``; time never goes backwards."""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        if instant < self._now:
            raise ValueError(f"clock cannot go back from {self._now.isoformat()} to {instant.isoformat()}")
        self._now = instant
