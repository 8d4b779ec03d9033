"""Plain SpiffWorkflow, as an integration without our engine work would run it: the baselines' engine.

``SpiffPassRun`` is our ``CaseRun`` (the same clock, sandbox and timers) with Spiff's own engine pass
(``BpmnWorkflow._do_engine_steps``) in place of ours (bpmn/engine/engine_pass.py); the stock
serializer embeds the whole spec in every snapshot, as SpiffWorkflow does by default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from bpmn.engine import CaseRun, ClockedTimeDateEventDefinition


class SpiffPassRun(CaseRun):
    """A case run whose engine steps are SpiffWorkflow's own."""

    def _pass(self, workflow: BpmnWorkflow, callback: Callable[[Task], None]) -> bool:
        return bool(workflow._do_engine_steps(did_complete_task=callback))


def stock_serializer() -> Any:
    """SpiffWorkflow's own serializer, which embeds the whole spec in every snapshot."""
    config = {**SPIFF_CONFIG, ClockedTimeDateEventDefinition: TimerConditionalEventDefinitionConverter}
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
