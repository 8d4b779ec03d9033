"""One case's live workflow: complete tasks, deliver messages, fire timers, snapshot."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from bpmn.clock import Clock
from bpmn.engine.deployments import MAIN_PROCESS, Deployment
from bpmn.engine.digest import snapshot_digest
from bpmn.engine.engine_pass import engine_pass
from bpmn.engine.serializer import TRIMS
from bpmn.engine.views import EngineView, NoSuchTask, PendingTimer, ReadyTask, StepReport
from bpmn.script_env import SandboxEnvironment
from domain.calendar import CalendarMissing


class _ScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    def __init__(self, environment: SandboxEnvironment, clock: Clock) -> None:
        super().__init__(environment=environment)
        self.clock = clock


def _reraise_domain(err: Exception) -> None:
    """Raise the domain error (e.g. CalendarMissing) behind an engine exception, if there is one."""
    seen: BaseException | None = err
    for _ in range(20):
        if seen is None:
            return
        if isinstance(seen, CalendarMissing) and seen is not err:
            raise seen from err
        inner = getattr(seen, "exception", None)
        seen = inner if isinstance(inner, BaseException) else (seen.__cause__ or seen.__context__)


def _flatten(event: Any) -> list[Any]:
    """An event definition, or the definitions a multiple event (event-based gateway) waits on."""
    inner = getattr(event, "event_definitions", None)
    return [e for d in inner for e in _flatten(d)] if inner else [event]


def declared_role(task_spec: Any) -> str | None:
    """The role declared on a userTask: its spiffworkflow property `role` (never its lane)."""
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
    role = properties.get("role")
    return str(role) if role else None


def _task_key(spec_name: str) -> str:
    """`spot_check__more` is the same human task as `spot_check` for its users."""
    return spec_name.split("__", 1)[0]


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):  # keys sorted: the same input gives the same snapshot, replay included
        return {str(k): _jsonable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class CaseRun:
    """One case's live workflow: complete tasks, deliver messages, fire timers, snapshot."""

    def __init__(self, deployment: Deployment, workflow: BpmnWorkflow) -> None:
        self.deployment = deployment
        self.workflow = workflow
        self._view: EngineView | None = None
        self.timers_before: tuple[PendingTimer, ...] | None = (
            None  # what the timers were before the last step
        )

    @classmethod
    def start(
        cls,
        deployment: Deployment,
        environment: SandboxEnvironment,
        clock: Clock,
        data: Mapping[str, Any],
        process_id: str = MAIN_PROCESS,
        *,
        trim: bool = False,
    ) -> tuple[CaseRun, StepReport]:
        """Start a new workflow with ``data`` and run it to its first wait.

        ``trim``: drop every finished subprocess after each step (``_trim_finished``); a new case
        asks for it, and replay asks for what the case's first event recorded.
        """
        if process_id == MAIN_PROCESS:
            top, subs = deployment.spec, deployment.subprocess_specs
        else:
            top = deployment.subprocess_specs[process_id]
            subs = {k: v for k, v in deployment.subprocess_specs.items() if k != process_id}
        workflow = BpmnWorkflow(top, subs, script_engine=_ScriptEngine(environment, clock))
        setattr(workflow, TRIMS, trim)
        workflow.data.update(_jsonable(dict(data)))
        start_task = workflow.task_tree
        start_task.data.update(_jsonable(dict(data)))
        for child in start_task.children:
            child.data.update(_jsonable(dict(data)))
        run = cls(deployment, workflow)
        return run, run._run_engine([])

    @classmethod
    def load(
        cls, deployment: Deployment, snapshot: str, environment: SandboxEnvironment, clock: Clock
    ) -> CaseRun:
        """Rebuild a workflow from its snapshot."""
        workflow = deployment.serializer.deserialize_json(snapshot)
        workflow.script_engine = _ScriptEngine(environment, clock)
        return cls(deployment, workflow)

    def snapshot(self) -> str:
        """The workflow's state as JSON (without the spec, which lives in the deployment)."""
        return str(self.deployment.serializer.serialize_json(self.workflow))

    def _tasks(self, state: TaskState) -> list[Task]:
        """Tasks in ``state`` across the workflow and its subprocesses (flat, no tree walk)."""
        found = [t for t in self.workflow.tasks.values() if t.state == state]
        for sub in self.workflow.subprocesses.values():
            found.extend(t for t in sub.tasks.values() if t.state == state)
        return found

    def _ready_manual(self) -> list[Task]:
        return sorted(
            (t for t in self._tasks(TaskState.READY) if t.task_spec.manual), key=lambda t: t.task_spec.name
        )

    def view(self) -> EngineView:
        """What the workflow is waiting for (computed once per state)."""
        if self._view is not None:
            return self._view
        ready = tuple(
            ReadyTask(
                _task_key(t.task_spec.name),
                t.task_spec.name,
                t.task_spec.bpmn_name or "",
                t.task_spec.lane,
                declared_role(t.task_spec),
            )
            for t in self._ready_manual()
        )
        timers: list[PendingTimer] = []
        messages: list[str] = []
        for task in self._waiting():
            for event in _flatten(task.task_spec.event_definition):
                if isinstance(event, TimerEventDefinition):
                    value = task._get_internal_data("event_value")
                    if value is None:
                        value = self.workflow.script_engine.evaluate(task, event.expression)
                        task._set_internal_data(event_value=value)
                    timers.append(PendingTimer(task.task_spec.name, TimerEventDefinition.get_datetime(value)))
                elif isinstance(event, MessageEventDefinition):
                    messages.append(event.name)
        self._view = EngineView(
            ready=ready,
            timers=tuple(sorted(timers, key=lambda t: t.due)),
            messages=tuple(sorted(messages)),
            completed=bool(self.workflow.completed),
        )
        return self._view

    def _waiting(self) -> list[Task]:
        return sorted(
            (
                t
                for t in self._tasks(TaskState.WAITING)
                if getattr(t.task_spec, "event_definition", None) is not None
            ),
            key=lambda t: t.task_spec.name,
        )

    def complete(self, key: str, data: Mapping[str, Any]) -> StepReport:
        """Complete the ready human task ``key`` with ``data`` and run to the next wait."""
        for task in self._ready_manual():
            if _task_key(task.task_spec.name) == key:
                task.set_data(**_jsonable(dict(data)))
                try:
                    task.run()
                except Exception as err:
                    _reraise_domain(err)
                    raise
                return self._run_engine([task])
        raise NoSuchTask(key)

    def deliver(self, message: str, payload: Mapping[str, Any]) -> tuple[bool, StepReport]:
        """Deliver a message (objection, fraud, payment_confirmed); whether something caught it, and the step."""
        # A timer already due wins over a later message (an event-based gateway would take both).
        due = self.fire_due_timers()
        if message not in self.catchable_messages():
            return False, due
        event = BpmnEvent(MessageEventDefinition(message), _jsonable(dict(payload)))
        self.workflow.send_event(event)
        report = self._run_engine([])
        return True, StepReport(due.ran + report.ran, due.fired + report.fired, {**due.data, **report.data})

    def catchable_messages(self) -> set[str]:
        """Messages some waiting event or event subprocess would catch now."""
        return {
            event.name
            for task in self._waiting()
            for event in _flatten(task.task_spec.event_definition)
            if isinstance(event, MessageEventDefinition)
        }

    def fire_due_timers(self) -> StepReport:
        """Let timers whose instant has passed fire, and run on."""
        self.view()
        self.workflow.refresh_timers()
        return self._run_engine([])

    def _run_engine(self, already: list[Task]) -> StepReport:
        if self._view is not None:
            self.timers_before = self._view.timers
        self._view = None
        try:
            report = self._run_engine_steps(already)
        except Exception as err:
            _reraise_domain(err)
            raise
        if self.trims:
            self._trim_finished()
        return report

    @property
    def trims(self) -> bool:
        """Whether this case drops its finished subprocesses (fixed when it started)."""
        return bool(getattr(self.workflow, TRIMS, False))

    def start_record(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """What the starting event records: the start data, and whether the case trims (replay re-runs it so)."""
        return {"start": data, TRIMS: True} if self.trims else {"start": data}

    @staticmethod
    def trims_recorded(payload: Mapping[str, Any]) -> bool:
        """Whether a starting event recorded trimming; only ``true`` itself counts (older histories have no key)."""
        return payload.get(TRIMS) is True

    def _trim_finished(self) -> None:
        """Drop every completed subprocess whose call activity has completed: nothing can reach it again.

        Spiff keeps every finished phase in the workflow (a paid case: 10 subprocesses, 133 tasks,
        73 KiB of snapshot, serialized and digested at every command). A completed call activity is
        never updated again (Spiff updates only future and waiting tasks), its data already holds
        the subprocess's result, and no wait, timer or message lives in a completed subprocess. The
        walk is in the mapping's order, so the same history always trims the same way (replay).
        """
        workflow = self.workflow
        for task_id in [k for k, sp in workflow.subprocesses.items() if sp.completed]:
            if task_id not in workflow.subprocesses:  # went with an enclosing subprocess
                continue
            task = workflow.get_task_from_id(task_id)
            if task is not None and task.state == TaskState.COMPLETED:
                for gone in workflow.delete_subprocess(task):  # as a reload would: nothing waits there
                    workflow.event_manager.remove_task(gone)

    def _run_engine_steps(self, already: list[Task]) -> StepReport:
        ran: list[Task] = list(already)
        callback: Callable[[Task], None] = ran.append
        workflow = self.workflow
        while True:  # to the fixpoint: engine passes, then the timers, until neither changes anything
            before = len(ran)
            while self._pass(workflow, callback):
                pass
            # a timer that fires changes its state; a cycle timer stays waiting and adds children
            timers = [(t, t.state, len(t._children)) for t in workflow.event_manager.tasks.values()]
            workflow.refresh_timers()
            if len(ran) == before and all(t.state == st and len(t._children) == n for t, st, n in timers):
                break
        fired = tuple(
            PendingTimer(
                t.task_spec.name, TimerEventDefinition.get_datetime(t._get_internal_data("event_value"))
            )
            for t in ran
            if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)
            and t._get_internal_data("event_value") is not None
        )
        merged: dict[str, Any] = {}
        for task in ran:
            merged.update(task.data)
        merged.update(self.workflow.data)
        return StepReport(tuple(t.task_spec.name for t in ran), fired, merged)

    def _pass(self, workflow: BpmnWorkflow, callback: Callable[[Task], None]) -> bool:
        """One engine pass (bpmn/engine/engine_pass.py; benchmarks put Spiff's own here for a baseline)."""
        return engine_pass(workflow, callback)

    def digest(self, snapshot: str | None = None) -> str:
        """A digest of the state free of Spiff's random task ids (see ``snapshot_digest``)."""
        return snapshot_digest(snapshot if snapshot is not None else self.snapshot())
