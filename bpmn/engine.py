"""The engine facade: the only module that imports SpiffWorkflow.

It parses a deployment (BPMN + DMN, plus the policy's subsidy standards written into the
DMN table) once per content hash, keeps the parsed spec out of every snapshot, runs steps
against a ``Clock`` and answers in our own frozen dataclasses.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from threading import Lock
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from bpmn.clock import Clock
from bpmn.deployment import (
    CALENDAR_FILE,
    POLICY_FILE,
    assemble,
    calendar_of,
    content_hash,
    forms_of,
    model_files,
    models_of,
    policy_of,
    verify,
)
from bpmn.model_lint import check_model_expressions
from bpmn.script_env import SandboxEnvironment, lifecycle_functions
from domain.calendar import BusinessCalendar, CalendarMissing
from domain.policy import Policy

__all__ = [
    "MAIN_PROCESS",
    "CaseRun",
    "Deployment",
    "EngineView",
    "deploy",
    "load_deployment",
    "model_files",
    "snapshot_digest",
]

MAIN_PROCESS = "subsidy_lifecycle"
_STATE_CHANGE = re.compile(r'"last_state_change":\s*[-0-9.eE+]+')
_UUID_LENGTH = 36
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


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


class ClockedTimeDateEventDefinition(TimeDateEventDefinition):  # type: ignore[misc]
    """A timeDate timer that asks the workflow's clock instead of the wall clock."""

    def has_fired(self, my_task: Task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=event_value)
        due = TimerEventDefinition.parse_time_or_duration(event_value)
        if due < my_task.workflow.script_engine.clock.now():
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class _ScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    def __init__(self, environment: SandboxEnvironment, clock: Clock) -> None:
        super().__init__(environment=environment)
        self.clock = clock


@dataclass
class Deployment:
    """A parsed, immutable deployment pinned by content hash: models, forms, policy and calendar."""

    id: str
    files: dict[str, bytes]
    spec: Any
    subprocess_specs: dict[str, Any]
    serializer: BpmnWorkflowSerializer = field(repr=False)
    policy: Policy = field(repr=False)
    calendar: BusinessCalendar = field(repr=False)
    environment: SandboxEnvironment = field(repr=False)
    forms: dict[str, Any] = field(repr=False, default_factory=dict)  # form id → JSON Schema, as pinned


_DEPLOYMENTS: dict[str, Deployment] = {}
_DEPLOY_LOCK = Lock()


def deploy(files: Mapping[str, bytes], *, validate: bool = True) -> Deployment:
    """Parse (once per content hash) and return the deployment of these files.

    ``files`` are a deployment's files (``bpmn.deployment.assemble``); model files alone are
    completed with the default policy, no operator calendar data and the shipped forms.
    """
    contents = dict(files)
    if POLICY_FILE not in contents or CALENDAR_FILE not in contents:
        contents = assemble(Policy(), BusinessCalendar(), models=models_of(contents))
    key = content_hash(contents.items())
    with _DEPLOY_LOCK:
        found = _DEPLOYMENTS.get(key)
        if found is None:
            found = _parse(key, contents, validate=validate)
            _DEPLOYMENTS[key] = found
    return found


def load_deployment(deployment_id: str, files: Mapping[str, bytes]) -> Deployment:
    """The deployment ``deployment_id`` from its stored files, refused (DeploymentTampered) if they differ."""
    verify(deployment_id, files)
    return deploy(files)


def _parse(key: str, files: dict[str, bytes], *, validate: bool) -> Deployment:
    check_model_expressions(files)  # a diagram is data: anything outside the closed language is refused
    policy, calendar = policy_of(files), calendar_of(files)
    parser = SpiffBpmnParser(validator=VALIDATOR if validate else None)
    for name, body in models_of(files).items():
        tree = etree.fromstring(body, _SAFE_XML)
        if name.endswith(".dmn"):
            parser.add_dmn_xml(tree, filename=name)
        else:
            parser.add_bpmn_xml(tree, filename=name)
    spec = parser.get_spec(MAIN_PROCESS)
    subs = parser.get_subprocess_specs(MAIN_PROCESS)
    for extra in parser.get_process_ids():
        if extra != MAIN_PROCESS and extra not in subs:
            subs[extra] = parser.get_spec(extra)
    for sp in [spec, *subs.values()]:
        for task_spec in sp.task_specs.values():
            _clock_timers(getattr(task_spec, "event_definition", None))
    environment = SandboxEnvironment(lifecycle_functions(policy, calendar))
    serializer = _serializer_for(spec, subs)
    return Deployment(key, files, spec, subs, serializer, policy, calendar, environment, forms_of(files))


def _clock_timers(event: Any) -> None:
    """Make every timeDate timer (also inside an event-based gateway's multiple event) ask the clock."""
    if type(event) is TimeDateEventDefinition:
        event.__class__ = ClockedTimeDateEventDefinition
    for inner in getattr(event, "event_definitions", None) or ():
        _clock_timers(inner)


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


def _serializer_for(spec: Any, subs: dict[str, Any]) -> BpmnWorkflowSerializer:
    """A serializer that stores a reference to the deployment's spec instead of the spec itself."""

    class _SpecByReference(BpmnWorkflowConverter):  # type: ignore[misc]
        def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
            dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
            dct["spec"] = workflow.spec.name
            dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
            dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
            return dct

        def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
            name = dct.pop("spec")
            top = spec if name == spec.name else subs[name]
            others = {k: v for k, v in subs.items() if k != name}
            if top is not spec:
                others[spec.name] = spec
            workflow = self.target_class(top, others, deserializing=True)
            workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
            workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
            self.set_default_attributes(workflow, dct)
            self.subprocesses_from_dict(dct["subprocesses"], workflow)
            workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
            return workflow

    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecByReference
    config[ClockedTimeDateEventDefinition] = TimerConditionalEventDefinitionConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


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
    ) -> tuple[CaseRun, StepReport]:
        """Start a new workflow with ``data`` and run it to its first wait."""
        if process_id == MAIN_PROCESS:
            top, subs = deployment.spec, deployment.subprocess_specs
        else:
            top = deployment.subprocess_specs[process_id]
            subs = {k: v for k, v in deployment.subprocess_specs.items() if k != process_id}
        workflow = BpmnWorkflow(top, subs, script_engine=_ScriptEngine(environment, clock))
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
            return self._run_engine_steps(already)
        except Exception as err:
            _reraise_domain(err)
            raise

    def _run_engine_steps(self, already: list[Task]) -> StepReport:
        ran: list[Task] = list(already)
        callback: Callable[[Task], None] = ran.append
        before = len(ran) - 1
        while len(ran) != before:
            before = len(ran)
            self.workflow.do_engine_steps(did_complete_task=callback)
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(did_complete_task=callback)
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

    def digest(self, snapshot: str | None = None) -> str:
        """A digest of the state free of Spiff's random task ids (see ``snapshot_digest``)."""
        return snapshot_digest(snapshot if snapshot is not None else self.snapshot())


_DIGESTS: OrderedDict[bytes, str] = OrderedDict()
_DIGESTS_LOCK = Lock()
_DIGESTS_KEPT = 4096


def snapshot_digest(text: str) -> str:
    """The digest of a snapshot with every task id replaced by its order of appearance.

    Spiff's task ids are random, so the digest recorded with each event (and compared by replay)
    is taken over a canonical form. Computing it costs about a millisecond on a paid case, and
    every command checks the stored snapshot against it: the digests of snapshot texts this
    process has seen are kept by the text's sha256, so a snapshot the process wrote is checked
    at the cost of one sha256, and any other text (an edited one) is digested in full.
    """
    key = hashlib.sha256(text.encode()).digest()
    with _DIGESTS_LOCK:
        found = _DIGESTS.get(key)
        if found is not None:
            _DIGESTS.move_to_end(key)
            return found
    # Every id is a whole JSON string: splitting on quotes finds them faster than a regex pass.
    parts = text.split('"')
    ids: dict[str, str] = {}
    for i, part in enumerate(parts):
        if len(part) == _UUID_LENGTH and _UUID.fullmatch(part):
            parts[i] = ids.setdefault(part, f"#{len(ids)}")
    canonical = _STATE_CHANGE.sub('"last_state_change":0', '"'.join(parts))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    with _DIGESTS_LOCK:
        _DIGESTS[key] = digest
        if len(_DIGESTS) > _DIGESTS_KEPT:
            _DIGESTS.popitem(last=False)
    return digest
