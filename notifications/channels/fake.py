"""A channel for tests: records what it sends, and fails as scripted (``ok``, ``transient``, ``permanent``)."""

from __future__ import annotations

from collections.abc import Iterable

from notifications.channels.base import ChannelKind, Delivery, PermanentFailure, TransientFailure

OUTCOMES = ("ok", "transient", "permanent")


class FakeChannel:
    """Plays one outcome per send (then ok); ``down`` makes every send fail transiently."""

    def __init__(self, kind: ChannelKind = ChannelKind.INAPP, outcomes: Iterable[str] = ()) -> None:
        self._kind = kind
        self.outcomes = list(outcomes)
        unknown = [o for o in self.outcomes if o not in OUTCOMES]
        if unknown:
            raise ValueError(f"unknown outcome(s) {unknown}; use {OUTCOMES}")
        self.down = False
        self.sent: list[Delivery] = []
        self.attempts = 0

    @property
    def kind(self) -> ChannelKind:
        """The channel this fake stands for."""
        return self._kind

    def send(self, delivery: Delivery) -> None:
        """Record the delivery, or fail as scripted."""
        self.attempts += 1
        if self.down:
            raise TransientFailure("channel down")
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if outcome == "transient":
            raise TransientFailure("scripted transient failure")
        if outcome == "permanent":
            raise PermanentFailure("scripted permanent failure")
        self.sent.append(delivery)
