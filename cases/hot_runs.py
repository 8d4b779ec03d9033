"""Hot workflow instances: the live `CaseRun` a command of this process left behind, kept for the next one.

Deserializing a snapshot is the largest single cost of a command after the engine step itself
(SpiffWorkflow rebuilds every task object of the tree). A command that follows another on the same
case in the same process can continue on the instance the previous command committed, as long as
the stored row still holds exactly what that instance serialized to:

* the entry is keyed by the case id and checked against the row's snapshot text (its sha256), the
  row's digest and the pinned deployment, and it is *taken out* when used: an instance a command
  changed is never handed out again unless that command stored it back after writing its snapshot;
* a command that fails after changing the instance (refused, rolled back, lost race) leaves the row
  at the old snapshot and the cache without an entry for it: the next command deserializes;
* a row written by anyone else (another process, an edit) has another text: the next command
  deserializes, after the integrity check, which runs on every load either way.

Continuing on the live instance is what replay (`cases/replay.py`) does between events, and replay
compares the digest after every event with the one the load/save path recorded: the whole scenario
suite replays, so the two paths are shown to reach the same states.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from bpmn.clock import Clock
from bpmn.engine import CaseRun, Deployment
from store.tables import CaseRow

KEPT = 128  # instances kept per runtime, least recently stored dropped first (a paid case: ~270 KiB, so ≤ ~35 MiB)


@dataclass(frozen=True, slots=True)
class _Entry:
    snapshot_sha: bytes
    digest: str
    deployment_id: str
    clock: Clock
    run: CaseRun


class HotRuns:
    """Per runtime (shared by its pinned copies): case id → the instance its last committed step left."""

    def __init__(self, kept: int = KEPT) -> None:
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = Lock()
        self._kept = kept
        self.hits = 0
        self.misses = 0

    def keep(self, case: CaseRow, run: CaseRun, snapshot: str, clock: Clock) -> None:
        """Remember ``run``, which serialized to ``snapshot``, now written to ``case``'s row."""
        if case.id is None:
            return
        entry = _Entry(hashlib.sha256(snapshot.encode()).digest(), case.digest, run.deployment.id, clock, run)
        with self._lock:
            self._entries[case.id] = entry
            self._entries.move_to_end(case.id)
            while len(self._entries) > self._kept:
                self._entries.popitem(last=False)

    def take(self, case: CaseRow, deployment: Deployment, clock: Clock) -> CaseRun | None:
        """The live instance of ``case`` if it is exactly the row's stored state (taken out), else None."""
        if case.id is None:
            return None
        with self._lock:
            entry = self._entries.pop(case.id, None)
        if (
            entry is None
            or entry.deployment_id != deployment.id
            or entry.run.deployment is not deployment
            or entry.clock is not clock
            or entry.digest != case.digest
            or entry.snapshot_sha != hashlib.sha256(case.snapshot.encode()).digest()
        ):
            self.misses += 1
            return None
        self.hits += 1
        return entry.run

    def __len__(self) -> int:
        """Instances kept now."""
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Forget every instance."""
        with self._lock:
            self._entries.clear()
