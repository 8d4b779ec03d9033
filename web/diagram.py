"""A case's diagrams: the BPMN processes of its pinned deployment, with the elements done and waiting.

The lifecycle is several files (the main process calls one process per phase). Each process is a tab;
the phase the case is in opens first. Completed elements are the user tasks of the case's
``task_completed`` events and the timers it fired; current ones are the engine's ready tasks and
waiting timers. In the main process a call activity is current while its process has current
elements, and completed once its process has run and no longer waits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from store.tables import CaseEvent, DeploymentFile

_PROCESS = re.compile(r"<bpmn:process\b[^>]*>")
_ATTR = re.compile(r'\b(?P<key>id|name)="(?P<value>[^"]*)"')
_CALL = re.compile(r'<bpmn:callActivity\b[^>]*\bid="(?P<id>[^"]+)"[^>]*\bcalledElement="(?P<called>[^"]+)"')
MAIN_PROCESS = "subsidy_lifecycle"
# The tabs' order: the lifecycle, then its phases as they happen; any other process after them.
ORDER = ("subsidy_lifecycle", "opening", "supervision", "assessment", "claim", "public_notice", "payment")


@dataclass(frozen=True, slots=True)
class ProcessDiagram:
    """One process of the deployment as a tab: its file, title and the ids to mark."""

    index: int
    file: str
    process_id: str
    title: str
    completed: tuple[str, ...]
    current: tuple[str, ...]

    @property
    def active(self) -> bool:
        """Whether the case waits in this process now."""
        return bool(self.current)


def _element_ids(xml: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', xml))


def _rank(process_id: str) -> int:
    return ORDER.index(process_id) if process_id in ORDER else len(ORDER)


def process_files(session: Session, deployment_id: str) -> dict[str, str]:
    """The deployment's BPMN files by name (``processes/opening.bpmn`` → XML)."""
    rows = session.exec(
        select(DeploymentFile)
        .where(DeploymentFile.deployment_id == deployment_id)
        .where(col(DeploymentFile.name).endswith(".bpmn"))
        .order_by(col(DeploymentFile.name))
    )
    return {row.name: row.content for row in rows}


def completed_elements(session: Session, case_id: int) -> set[str]:
    """The ids of the user tasks the case completed and of the timers that fired, from its events."""
    done: set[str] = set()
    events = session.exec(select(CaseEvent.type, CaseEvent.payload).where(CaseEvent.case_id == case_id))
    for kind, payload in events:
        if kind == "task_completed" and payload.get("task"):
            done.add(str(payload["task"]))
        for fired in payload.get("fired", ()) if isinstance(payload.get("fired"), list) else ():
            if isinstance(fired, Mapping) and fired.get("timer"):
                done.add(str(fired["timer"]))
    return done


def _shapes(task_keys: Iterable[str], ids: set[str]) -> tuple[str, ...]:
    """The element ids of these tasks and timers that this file draws (exact ids: a `__` shape is its own)."""
    return tuple(sorted(ids.intersection(task_keys)))


def diagrams(files: Mapping[str, str], completed: set[str], current: set[str]) -> list[ProcessDiagram]:
    """One tab per process file, lifecycle order, with its completed and current element ids."""
    found: list[tuple[str, str, str, set[str]]] = []
    for name, xml in files.items():
        tag = _PROCESS.search(xml)
        attrs = {m["key"]: m["value"] for m in _ATTR.finditer(tag.group(0))} if tag else {}
        if "id" in attrs:
            found.append((name, attrs["id"], attrs.get("name") or attrs["id"], _element_ids(xml)))
    found.sort(key=lambda f: (_rank(f[1]), f[1]))
    marks: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for _name, process_id, _title, ids in found:
        now = _shapes(current, ids)
        marks[process_id] = (tuple(i for i in _shapes(completed, ids) if i not in now), now)
    out: list[ProcessDiagram] = []
    for index, (name, process_id, title, _ids) in enumerate(found):
        done, now = marks[process_id]
        if process_id == MAIN_PROCESS:
            done, now = _calls(files[name], marks)
        out.append(ProcessDiagram(index, name, process_id, title, done, now))
    return out


def _calls(
    xml: str, marks: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The main process's call activities: current while their process waits, else completed once run."""
    done: list[str] = []
    now: list[str] = []
    for call in _CALL.finditer(xml):
        called_done, called_now = marks.get(call["called"], ((), ()))
        if called_now:
            now.append(call["id"])
        elif called_done:
            done.append(call["id"])
    return tuple(done), tuple(now)


def first_active(tabs: list[ProcessDiagram]) -> int:
    """The tab to open first: the phase the case waits in (not the main process), else the main one."""
    for tab in tabs:
        if tab.active and tab.process_id != MAIN_PROCESS:
            return tab.index
    return next((t.index for t in tabs if t.active), 0)
