"""Evidence of a case on the web: upload (multipart, CSRF), the list, and the download for staff.

``POST /cases/{id}/evidence`` (the task page's widget, web/static/evidence.js) and
``POST /api/cases/{id}/evidence`` take one or more files (``file``) of one kind (``kind``), or, for a
recording, its reference (``location`` and ``video_sha256``), and answer the hashes to cite in the
task's ``evidence`` field. Refusals are ``{"ok": false, "errors": [{code, field, message}]}`` with
``evidence[i]`` naming the file. Downloads are served to the bureau's staff only, never inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.datastructures import FormData, UploadFile

from cases.evidence import (
    DOWNLOAD_ROLES,
    Upload,
    UploadOutcome,
    case_evidence,
    readable_size,
    upload,
    video_reference_upload,
)
from domain.errors import ErrorCode, Violation
from store import evidence as files
from store.tables import CaseRow
from web.case_record import may_see
from web.session import CurrentUser, Rt, User

router = APIRouter()
_STATUS = {ErrorCode.FORBIDDEN: 403, ErrorCode.NO_SUCH_TASK: 404}
MAX_FILES = 20  # files in one upload


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One line of a case's list of evidence, as shown (``url`` None: the user may not download)."""

    sha256: str
    kind: str
    name: str
    size: str
    media_type: str
    uploaded_by: str
    uploaded_at: datetime
    url: str | None

    def as_json(self) -> dict[str, Any]:
        """The item for the JSON API."""
        return {
            "sha256": self.sha256, "kind": self.kind, "name": self.name, "size": self.size,
            "media_type": self.media_type, "uploaded_by": self.uploaded_by,
            "uploaded_at": self.uploaded_at.isoformat(), "url": self.url,
        }  # fmt: skip


def evidence_root(request: Request) -> Path:
    """Where the app keeps evidence files (the settings' `SUBSIDYFLOW_EVIDENCE_DIR`)."""
    root: Path = request.app.state.evidence_dir
    return root


def may_download(user: User) -> bool:
    """The bureau's staff download evidence files; applicants see the list only."""
    return bool(DOWNLOAD_ROLES & set(user.roles))


def evidence_list(rt: Rt, user: User, case_id: int) -> list[EvidenceItem]:
    """The case's evidence as its page lists it, in upload order."""
    with rt.session() as session:
        rows = case_evidence(session, case_id)
    staff = may_download(user)
    return [
        EvidenceItem(
            r.sha256,
            r.kind,
            r.original_name,
            readable_size(r.size),
            files.TYPE_TITLES.get(r.media_type, ""),
            r.uploaded_by,
            r.uploaded_at,
            f"/cases/{case_id}/evidence/{r.sha256}" if staff else None,
        )  # fmt: skip
        for r in rows
    ]


def _answer(outcome: UploadOutcome) -> JSONResponse:
    if not outcome.ok:
        status = _STATUS.get(outcome.errors[0].code, 422)
        return JSONResponse(
            {"ok": False, "errors": [e.as_dict() for e in outcome.errors]}, status_code=status
        )
    return JSONResponse({"ok": True, "hashes": list(outcome.hashes)})


def _invalid(message: str, field: str = "evidence") -> JSONResponse:
    return _answer(UploadOutcome(False, (), (Violation(ErrorCode.INVALID_FIELD, field, message),)))


async def _uploads(request: Request) -> list[Upload] | JSONResponse:
    async with request.form(max_files=MAX_FILES) as form:  # closes the spooled files
        return await _read(form)


async def _read(form: FormData) -> list[Upload] | JSONResponse:
    kind = str(form.get("kind") or "")
    if kind == "录像索引" and form.get("location"):
        try:
            return [video_reference_upload(str(form.get("location")), str(form.get("video_sha256") or ""))]
        except files.EvidenceRefused as refused:
            return _invalid(str(refused), "evidence[0]")
    posted = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
    found: list[Upload] = []
    for one in posted:
        content = await one.read(files.MAX_BYTES + 1)  # one byte over the limit is enough to refuse it
        found.append(Upload(one.filename or "", content, kind))
    return found


async def _upload(request: Request, rt: Rt, user: User, case_id: int) -> JSONResponse:
    posted = await _uploads(request)
    if isinstance(posted, JSONResponse):
        return posted
    root = evidence_root(request)
    return _answer(upload(rt, root, case_id=case_id, user=user.username, roles=user.roles, uploads=posted))


@router.post("/cases/{case_id}/evidence", response_model=None)
async def upload_page(request: Request, rt: Rt, user: CurrentUser, case_id: int) -> JSONResponse:
    """Upload evidence for the case (the task page's widget); answers the hashes to cite."""
    return await _upload(request, rt, user, case_id)


@router.post("/api/cases/{case_id}/evidence", tags=["api"], response_model=None)
async def upload_api(request: Request, rt: Rt, user: CurrentUser, case_id: int) -> JSONResponse:
    """Upload evidence (multipart: ``file`` …, ``kind``; or ``location`` and ``video_sha256``); the hashes."""
    return await _upload(request, rt, user, case_id)


def _visible(rt: Rt, user: User, case_id: int) -> Violation | None:
    with rt.session() as session:
        case = session.get(CaseRow, case_id)
    if case is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, "没有这个案件")
    return (
        None if may_see(user, case) else Violation(ErrorCode.FORBIDDEN, None, "这不是您提交的案件，无权查看")
    )


@router.get("/api/cases/{case_id}/evidence", tags=["api"])
def list_api(rt: Rt, user: CurrentUser, case_id: int) -> JSONResponse:
    """The case's evidence: kind, name, size, type, who uploaded it and when, hash, download link (staff)."""
    refused = _visible(rt, user, case_id)
    if refused is not None:
        return _answer(UploadOutcome(False, (), (refused,)))
    items = [i.as_json() for i in evidence_list(rt, user, case_id)]
    return JSONResponse({"ok": True, "evidence": items})


@router.get("/cases/{case_id}/evidence/{sha256}", response_model=None)
def download(request: Request, rt: Rt, user: CurrentUser, case_id: int, sha256: str) -> Response:
    """The file, as an attachment, to staff (403 to others; 404 when the case has no such file)."""
    refused = _visible(rt, user, case_id)
    if refused is None and not may_download(user):
        refused = Violation(ErrorCode.FORBIDDEN, None, "证据文件仅供经办人员下载")
    if refused is not None:
        return Response(refused.message, status_code=_STATUS.get(refused.code, 403), media_type="text/plain")
    with rt.session() as session:
        row = files.one(session, case_id, sha256) if files.SHA256.match(sha256) else None
    root = evidence_root(request)
    if row is None or not files.path_of(root, sha256).is_file():
        return Response("没有这个证据文件（或文件已缺失）", status_code=404, media_type="text/plain")
    disposition = f"attachment; filename*=UTF-8''{quote(row.original_name)}"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return FileResponse(files.path_of(root, sha256), media_type=row.media_type, headers=headers)
