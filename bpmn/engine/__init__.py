"""The engine facade: the only package that imports SpiffWorkflow.

It parses a deployment (BPMN + DMN + forms + policy + calendar) once per content hash, keeps the
parsed spec out of every snapshot, runs steps against a ``Clock`` and answers in our own frozen
dataclasses (``views``).
"""

from bpmn.deployment import model_files
from bpmn.engine.case_run import CaseRun, declared_role
from bpmn.engine.deployments import MAIN_PROCESS, Deployment, deploy, load_deployment
from bpmn.engine.digest import snapshot_digest
from bpmn.engine.serializer import TRIMS
from bpmn.engine.timers import ClockedTimeDateEventDefinition
from bpmn.engine.views import EngineView, NoSuchTask, PendingTimer, ReadyTask, StepReport

__all__ = [
    "MAIN_PROCESS",
    "CaseRun",
    "ClockedTimeDateEventDefinition",
    "Deployment",
    "EngineView",
    "NoSuchTask",
    "PendingTimer",
    "ReadyTask",
    "TRIMS",
    "StepReport",
    "declared_role",
    "deploy",
    "load_deployment",
    "model_files",
    "snapshot_digest",
]
