"""The table of evidence attached to a case's tasks: sign-in sheets, photos, recording references, plans.

A file is kept once under its content hash (store/evidence.py); a row says that it was uploaded for
this case, as which kind of material, by whom and when. The same file uploaded for two cases has two
rows. Rows are never updated: an event that cites a hash cites the file as it was uploaded.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class Evidence(SQLModel, table=True):
    """One piece of evidence of a case (004 (三)2: 签到记录, 影像资料), by the sha256 of its content."""

    __tablename__ = "evidence"
    sha256: str = Field(primary_key=True, max_length=64)
    case_id: int = Field(primary_key=True, foreign_key="case.id", index=True)
    size: int  # bytes
    media_type: str = Field(max_length=100)  # from the content's magic bytes, never from the name
    original_name: str = Field(max_length=255)
    kind: str = Field(max_length=20)  # 签到表 / 现场照片 / 录像索引 / 教学计划 / 其他
    uploaded_by: str = Field(max_length=100)
    uploaded_at: datetime = Field(sa_type=AwareDateTime)
