"""Timers that ask the workflow's clock (a seam for the scenario runner's virtual clock)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.task import Task


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
