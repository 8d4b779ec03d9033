"""The modeler's drafts: the version a draft is drawn from, saving its files, the candidate it makes.

A draft holds only the BPMN and DMN files; the forms, policy and calendar of a candidate are the base
version's, so the checks and the deployment judge the draft's models with everything else unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from bpmn.deployment import assemble, calendar_of, forms_dir_files, models_of, policy_of
from cases.deploy import Candidate
from cases.runtime import Runtime, stored_files
from store import deployments
from store.deployments import DeploymentVersion
from store.modeler_tables import ModelerDraft
from web.modeler_diff import elements_of

MODEL_NAME = re.compile(r"(processes/[A-Za-z0-9_\-]+\.bpmn|decisions/[A-Za-z0-9_\-]+\.dmn)")
MAX_FILE = 2 * 1024 * 1024  # one model file's XML


class DraftRefused(ValueError):
    """Files a draft may not hold (the message says which and why)."""


@dataclass(frozen=True, slots=True)
class DraftRef:
    """A draft as the list shows it."""

    id: int
    base_version: int | None
    author: str
    updated_at: datetime
    files: int


def current_version(session: Session, today: date) -> DeploymentVersion | None:
    """The version new drafts start from: the one in force today, else the newest (None: none deployed)."""
    return deployments.in_force(session, today) or next(iter(reversed(deployments.versions(session))), None)


def base_files(rt: Runtime, session: Session, base_version: int | None) -> dict[str, bytes]:
    """Every file of the version a draft was drawn from (None: the files the settings name)."""
    if base_version is None:
        return dict(rt.deployment.files)
    version = deployments.by_number(session, base_version)
    if version is None:
        raise DraftRefused(f"第 {base_version} 版不在库中")
    return stored_files(session, version.id)


def drafts(session: Session) -> list[DraftRef]:
    """Every draft, the latest saved first."""
    rows = session.exec(select(ModelerDraft).order_by(col(ModelerDraft.updated_at).desc()))
    return [
        DraftRef(row.id or 0, row.base_version, row.author, row.updated_at, len(row.files)) for row in rows
    ]


def new_draft(rt: Runtime, session: Session, author: str) -> ModelerDraft:
    """A draft holding the current version's models."""
    version = current_version(session, rt.today())
    number = version.version if version is not None else None
    models = models_of(base_files(rt, session, number))
    row = ModelerDraft(
        base_version=number,
        files={name: body.decode() for name, body in sorted(models.items())},
        author=author,
        updated_at=rt.now(),
    )
    session.add(row)
    session.flush()
    return row


def checked_files(files: object, base_names: set[str]) -> dict[str, str]:
    """The files a modeler posted, once each is a model file name holding safe, well-formed XML."""
    if not isinstance(files, Mapping) or not files:
        raise DraftRefused("请求中没有模型文件")
    checked: dict[str, str] = {}
    for name, body in files.items():
        if not isinstance(name, str) or not MODEL_NAME.fullmatch(name) or not isinstance(body, str):
            raise DraftRefused(f"{name!s:.80}: 不是模型文件名（应为 processes/*.bpmn 或 decisions/*.dmn）")
        if len(body) > MAX_FILE:
            raise DraftRefused(f"{name}: 文件过大（上限 {MAX_FILE // 1024 // 1024} MB）")
        elements_of(name, body)  # DraftUnreadable when not safe, well-formed XML
        checked[name] = body
    missing = sorted(base_names - set(checked))
    if missing:
        raise DraftRefused(f"缺少模型文件：{'、'.join(missing)}（草稿须包含全部模型文件）")
    return checked


def candidate_of(
    draft_files: Mapping[str, str], base: Mapping[str, bytes], directory: Path, effective_from: date | None
) -> Candidate:
    """The candidate deployment a draft makes: its models with the base version's forms, policy, calendar."""
    policy = policy_of(base)
    if effective_from is not None:
        policy = policy.model_copy(update={"effective_from": effective_from})
    if policy.effective_until is not None and policy.effective_until < policy.effective_from:
        raise DraftRefused(
            f"生效期有误：起始日 {policy.effective_from.isoformat()} 晚于策略的截止日 "
            f"{policy.effective_until.isoformat()}"
        )
    calendar = calendar_of(base)
    models = {name: body.encode() for name, body in draft_files.items()}
    files = assemble(policy, calendar, models=models, forms=forms_dir_files(base))
    return Candidate(directory, files, policy, calendar)
