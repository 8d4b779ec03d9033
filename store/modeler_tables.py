"""Tables of the modeler pages: a process owner's drafts of the next deployment's models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class ModelerDraft(SQLModel, table=True):
    """A draft: the BPMN and DMN files as the modeler saved them, and the version they were drawn from.

    ``base_version`` is the deployment number the draft started from (None: the settings' files, no
    version deployed yet); ``files`` maps each model's name (``processes/….bpmn``) to its XML.
    """

    __tablename__ = "modeler_draft"
    id: int | None = Field(default=None, primary_key=True)
    base_version: int | None = Field(default=None)
    files: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author: str = Field(max_length=100)
    updated_at: datetime = Field(sa_type=AwareDateTime)
