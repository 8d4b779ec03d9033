"""Deployments parsed once per content hash, with timers that ask the clock and snapshots that reference the spec."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from bpmn.deployment import (
    CALENDAR_FILE,
    POLICY_FILE,
    assemble,
    calendar_of,
    content_hash,
    forms_of,
    models_of,
    policy_of,
    verify,
)
from bpmn.dmn_feel import translate_dmn
from bpmn.engine.decision_tables import decision_tables, honour_hit_policy
from bpmn.engine.serializer import serializer_for
from bpmn.engine.timers import ClockedTimeDateEventDefinition
from bpmn.model_lint import check_model_expressions
from bpmn.script_env import SandboxEnvironment, lifecycle_functions
from domain.calendar import BusinessCalendar
from domain.policy import Policy

MAIN_PROCESS = "subsidy_lifecycle"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


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
    tables = decision_tables(models_of(files))
    for name, body in models_of(files).items():
        tree = etree.fromstring(body, _SAFE_XML)
        if name.endswith(".dmn"):  # FEEL cells translated into the closed language (bpmn/dmn_feel.py)
            parser.add_dmn_xml(etree.fromstring(translate_dmn(body), _SAFE_XML), filename=name)
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
            honour_hit_policy(task_spec, tables)
    environment = SandboxEnvironment(lifecycle_functions(policy, calendar))
    serializer = serializer_for(spec, subs)
    return Deployment(key, files, spec, subs, serializer, policy, calendar, environment, forms_of(files))


def _clock_timers(event: Any) -> None:
    """Make every timeDate timer (also inside an event-based gateway's multiple event) ask the clock."""
    if type(event) is TimeDateEventDefinition:
        event.__class__ = ClockedTimeDateEventDefinition
    for inner in getattr(event, "event_definitions", None) or ():
        _clock_timers(inner)
