"""What judges a case, as files under one content hash: models, forms, the whole policy, the calendar data.

A deployment is the set of files a case is pinned to when it is filed (ARCHITECTURE "What judges a
case"): the BPMN and DMN models, the JSON Schemas of the forms, the policy (every parameter, as
canonical JSON) and the operator calendar data beyond the package (with the package's version
recorded). Its id is the content hash of those files; whoever loads a deployment from the store
checks the files against the id first and refuses a mismatch. Nothing here imports SpiffWorkflow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from domain.calendar import BusinessCalendar
from domain.policy import Policy

POLICY_FILE = "policy.json"
CALENDAR_FILE = "calendar.json"
FORMS_DIR = "forms/"
MODELS_DIR = Path(__file__).parent


class DeploymentTampered(Exception):
    """Stored deployment files that do not hash to the deployment's id: never acted on."""

    def __init__(self, deployment_id: str, found: str) -> None:
        self.deployment_id = deployment_id
        self.found = found
        super().__init__(
            f"部署 {deployment_id[:12]}… 的文件与其内容哈希不符（实际为 {found[:12]}…）：文件已被改动，拒绝加载"
        )


def content_hash(parts: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over (name, sha256(content)) in name order: the deployment's id."""
    digest = hashlib.sha256()
    for name, content in sorted(parts):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def verify(deployment_id: str, files: Mapping[str, bytes]) -> None:
    """Raise DeploymentTampered unless ``files`` hash to ``deployment_id``."""
    found = content_hash(files.items())
    if found != deployment_id:
        raise DeploymentTampered(deployment_id, found)


def model_files(models_dir: Path = MODELS_DIR) -> dict[str, bytes]:
    """The shipped BPMN and DMN files, by relative name (``processes/…``, ``decisions/…``)."""
    found = {}
    for path in sorted([*models_dir.glob("processes/*.bpmn"), *models_dir.glob("decisions/*.dmn")]):
        found[str(path.relative_to(models_dir))] = path.read_bytes()
    return found


def form_files() -> dict[str, bytes]:
    """The shipped JSON Schemas of the forms, as ``forms/<form id>.json``."""
    schemas = package_files("forms") / "schemas"
    return {
        f"{FORMS_DIR}{entry.name}": entry.read_bytes()
        for entry in sorted(schemas.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=1).encode()


def policy_file(policy: Policy) -> bytes:
    """Every parameter of ``policy`` as canonical JSON (defaults included: a new default is a new file)."""
    return _canonical(policy.model_dump(mode="json"))


def _calendar_package() -> str:
    try:
        return f"chinesecalendar=={version('chinesecalendar')}"
    except PackageNotFoundError:  # pragma: no cover - a dependency of the distribution
        return "chinesecalendar"


def calendar_file(calendar: BusinessCalendar) -> bytes:
    """The operator's calendar data (the dates it lists) and the official package it amends."""
    holidays: list[str] = []
    workdays: list[str] = []
    for year in sorted(calendar.operator_years):
        data = calendar.operator_years[year]
        holidays += sorted(d.isoformat() for d in data.holidays)
        workdays += sorted(d.isoformat() for d in data.workdays)
    return _canonical({"package": _calendar_package(), "holidays": holidays, "workdays": workdays})


def assemble(
    policy: Policy,
    calendar: BusinessCalendar,
    models: Mapping[str, bytes] | None = None,
    forms: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The files of a deployment: models (default: the shipped ones), forms, policy and calendar."""
    return {
        **(models if models is not None else model_files()),
        **(forms if forms is not None else form_files()),
        POLICY_FILE: policy_file(policy),
        CALENDAR_FILE: calendar_file(calendar),
    }


def policy_of(files: Mapping[str, bytes]) -> Policy:
    """The policy a deployment pins."""
    return Policy.model_validate(json.loads(files[POLICY_FILE]))


def calendar_of(files: Mapping[str, bytes]) -> BusinessCalendar:
    """The calendar a deployment pins: the package's data amended by the recorded operator data."""
    data = json.loads(files[CALENDAR_FILE])
    return BusinessCalendar().with_extra(
        [date.fromisoformat(d) for d in data.get("holidays", [])],
        [date.fromisoformat(d) for d in data.get("workdays", [])],
    )


def models_of(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The BPMN and DMN files of a deployment."""
    return {name: body for name, body in files.items() if name.endswith((".bpmn", ".dmn"))}


def forms_dir_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The form files of a deployment (``forms/<form id>.json``), as stored."""
    return {
        name: body for name, body in files.items() if name.startswith(FORMS_DIR) and name.endswith(".json")
    }


def forms_of(files: Mapping[str, bytes]) -> dict[str, Any]:
    """The JSON Schemas of a deployment's forms, by form id."""
    return {
        name.removeprefix(FORMS_DIR).removesuffix(".json"): json.loads(body)
        for name, body in files.items()
        if name.startswith(FORMS_DIR) and name.endswith(".json")
    }
