"""One engine pass: run every READY non-manual task, innermost subprocess first.

This is SpiffWorkflow 3.2's ``BpmnWorkflow._do_engine_steps`` with one change: the READY tasks of a
(sub)workflow are found by a plain depth-first walk instead of ``get_tasks(state=READY)``, whose
generic ``BpmnTaskIterator`` costs ~4 µs a visited task (filter objects, ``list.pop(0)``, a child
list built per task, depth bookkeeping) and was the largest single cost of a command: every pass
walks every tree, finished subprocesses included. The walk visits the same tasks in the same order
and returns the same list (``tests/engine/test_engine_pass__same_as_spiff.py`` checks it against
Spiff's iterator on every pass of generated years and the contract's examples); the order decides
which task runs first and so the data a case ends with, so it is not a detail.

Spiff's iterator stops descending at depth 1000. Its depth counter only grows when it descends, so
it cannot reach 1000 while the trees hold fewer tasks than that; above that size the walk hands the
question back to Spiff's iterator unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

_READY = TaskState.READY
_DEFINITE = TaskState.FUTURE  # Spiff descends below a task from FUTURE on when asked for READY tasks
_MAX_DEPTH = 1000  # BpmnTaskIterator's default max_depth


def _all_tasks(top: BpmnWorkflow) -> int:
    return len(top.tasks) + sum(len(sub.tasks) for sub in top.subprocesses.values())


def ready_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """The READY tasks under ``workflow``'s root, in Spiff's depth-first order (subprocess trees first)."""
    top = workflow.top_workflow
    if _all_tasks(top) >= _MAX_DEPTH:
        return list(workflow.get_tasks(state=_READY))
    subprocesses = top.subprocesses
    found: list[Task] = []
    stack: list[Task] = [workflow.task_tree]
    pop, push = stack.pop, stack.extend
    while stack:
        task = pop()
        sub = subprocesses.get(task.id)
        if sub is not None or (task._children and task._state >= _DEFINITE):
            tasks = task.workflow.tasks
            push([tasks.get(child) for child in reversed(task._children)])
            if sub is not None:  # Spiff lists the subprocess's tree before the task's children
                stack.append(sub.task_tree)
        if task._state & _READY:
            found.append(task)
    return found


def _run_ready(workflow: BpmnWorkflow, did_complete_task: Callable[[Task], None]) -> int:
    count = 0
    for task in ready_tasks(workflow):
        if not task.task_spec.manual:
            task.run()
            count += 1
            did_complete_task(task)
    return count


def engine_pass(workflow: BpmnWorkflow, did_complete_task: Callable[[Task], None]) -> bool:
    """One pass of Spiff's engine steps; whether it ran something or opened a subprocess."""
    active = workflow.get_active_subprocesses()
    for subprocess in sorted(active, key=lambda v: v.depth, reverse=True):
        while _run_ready(subprocess, did_complete_task) > 0:
            pass
        if subprocess.parent_task_id is not None:
            task = workflow.get_task_from_id(subprocess.parent_task_id)
            task.task_spec._update(task)
    count = _run_ready(workflow, did_complete_task)
    return count > 0 or len(workflow.get_active_subprocesses()) > len(active)
