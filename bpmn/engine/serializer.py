"""The snapshot serializer: Spiff's format, the spec by reference, and a faster task converter.

Every command serializes its case's whole workflow (~133 tasks on a paid case), and Spiff's
``TaskConverter`` was most of that: ``str()`` of each task id, parent and child (``uuid.UUID.__str__``
formats in Python, ~1 µs each), a property call per parent look-up, a function call per data delta.
``_TaskConverter`` writes the very same dictionary (same keys, same order, same values; the delta
against the parent's data with Spiff's own ``!=``) with the ids' text kept by their integer value;
the workflows' task and subprocess mappings are keyed by the same kept text.
``tests/engine/test_serializer__same_as_spiff.py`` compares every snapshot of a busy year and of every
scenario with Spiff's converter, byte for byte.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from bpmn.engine.timers import ClockedTimeDateEventDefinition

TRIMS = "trims_finished_phases"
"""The workflow attribute and the snapshot key of a case whose finished subprocesses are dropped.

Set once, when the case starts (``CaseRun.start(trim=True)``), recorded in its first event, and
kept in every snapshot: a case started before trimming existed never has it, so its snapshots
and its replay stay what they were (tests/golden/histories_v1); one started with it is trimmed
after every step, replay included (histories_v2).
"""

_TEXT: dict[int, str] = {}
_TEXT_KEPT = 50_000  # ~7 MiB: the tasks of ~350 cases in work; then started afresh (a miss costs ~1 µs)


def _text(value: UUID) -> str:
    """``str(value)``, kept by the id's integer (ids are random and never reused)."""
    key = value.int
    found = _TEXT.get(key)
    if found is None:
        if len(_TEXT) >= _TEXT_KEPT:
            _TEXT.clear()
        found = _TEXT[key] = str(value)
    return found


class _TaskConverter(TaskConverter):  # type: ignore[misc]
    """Spiff's task dictionary, built without its per-value overhead (see the module's docstring)."""

    def to_dict(self, task: Task) -> dict[str, Any]:
        parent = task.workflow.tasks.get(task._parent)
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {
                "updates": {
                    key: after[key] for key in after if key not in before or after[key] != before[key]
                },
                "deletions": [key for key in before if key not in after],
            }
        return {
            "id": _text(task.id),
            "parent": _text(task._parent) if parent is not None else None,
            "children": [_text(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task._state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
        }


class _IdKeys:
    """Spiff's ``mapping_to_dict`` (tasks and subprocesses by id) with the ids' text kept."""

    registry: Any

    def mapping_to_dict(self, mapping: dict[Any, Any], **kwargs: Any) -> dict[str, Any]:
        return {
            (_text(k) if type(k) is UUID else str(k)): self.registry.convert(v, **kwargs)
            for k, v in mapping.items()
        }


class _SubWorkflowConverter(_IdKeys, BpmnSubWorkflowConverter):  # type: ignore[misc]
    """A subprocess's dictionary, its tasks keyed by their kept id text."""


def serializer_for(
    spec: Any, subs: dict[str, Any], *, task_converter: type = _TaskConverter
) -> BpmnWorkflowSerializer:
    """A serializer that stores a reference to the deployment's spec instead of the spec itself.

    ``task_converter``: Spiff's own ``TaskConverter`` gives all of Spiff's own converters (the comparison test).
    """

    fast = task_converter is _TaskConverter

    class _SpecByReference(BpmnWorkflowConverter):  # type: ignore[misc]
        def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
            dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
            dct["spec"] = workflow.spec.name
            dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
            dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
            if getattr(workflow, TRIMS, False):
                dct[TRIMS] = True
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
            setattr(workflow, TRIMS, bool(dct.pop(TRIMS, False)))
            return workflow

    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecByReference

    class _SpecByReferenceIdKeys(_IdKeys, _SpecByReference):
        """The same, its tasks and subprocesses keyed by their kept id text."""

    config[Task] = task_converter
    if fast:
        config[BpmnWorkflow] = _SpecByReferenceIdKeys
        config[BpmnSubWorkflow] = _SubWorkflowConverter
    config[ClockedTimeDateEventDefinition] = TimerConditionalEventDefinitionConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
