"""What the engine answers: our own frozen dataclasses, never a SpiffWorkflow object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class NoSuchTask(LookupError):
    """No ready user task with that key on the case now."""


@dataclass(frozen=True, slots=True)
class ReadyTask:
    """A human task the case is waiting for."""

    key: str
    spec_id: str
    title: str
    lane: str | None  # for display only: graphical modelers rewrite a lane's flowNodeRef list
    role: str | None = None  # declared on the userTask (spiffworkflow property `role`)


@dataclass(frozen=True, slots=True)
class PendingTimer:
    """A timer the case is waiting on, with the instant it is due."""

    spec_id: str
    due: datetime


@dataclass(frozen=True, slots=True)
class StepReport:
    """What one engine step did: elements that ran, SLA timers that fired, data they left."""

    ran: tuple[str, ...]
    fired: tuple[PendingTimer, ...]
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class EngineView:
    """The waiting state of a workflow."""

    ready: tuple[ReadyTask, ...]
    timers: tuple[PendingTimer, ...]
    messages: tuple[str, ...]
    completed: bool
