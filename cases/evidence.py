"""Evidence of a case: uploads (who may, what passes), the rule that a form cites only its case's files.

Sign-in sheets, site photos, recording references, the teaching plan and other materials (004 (三)2:
签到记录, 影像资料) are uploaded for a case first and kept by content hash (store/evidence.py); the
forms of the opening-day check, the spot checks, the assessment result and the claim then cite them by
hash in their optional ``evidence`` field, and the event of the completed task records those hashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from cases.runtime import Runtime
from domain.errors import ErrorCode, Violation
from domain.records import AssessmentResult, OpeningDayCheck, SpotCheck, SubsidyClaim, TaskInput
from domain.vocab import Role
from store import evidence as files
from store.evidence_tables import Evidence
from store.tables import CaseRow

# who uploads: the inspector on site, the applicant for the claim, the reviewer adding what was handed in
UPLOAD_ROLES = (Role.INSPECTOR.value, Role.APPLICANT.value, Role.REVIEWER.value)
# who downloads the files: the bureau's staff (the applicant sees the list of their own case's files)
DOWNLOAD_ROLES = frozenset(r.value for r in Role) - {Role.APPLICANT.value, Role.PUBLIC.value}
_CITING = (OpeningDayCheck, SpotCheck, AssessmentResult, SubsidyClaim)


@dataclass(frozen=True, slots=True)
class Upload:
    """One file posted for a case: the name it came under, its bytes, the kind of material it is."""

    name: str
    content: bytes
    kind: str


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    """Stored (the hashes, in the order posted) or refused (every problem, by ``evidence[i]``)."""

    ok: bool
    hashes: tuple[str, ...] = ()
    errors: tuple[Violation, ...] = field(default=())


def _refused(*errors: Violation) -> UploadOutcome:
    return UploadOutcome(False, (), errors)


def video_reference_upload(location: str, video_sha256: str) -> Upload:
    """A recording's reference as an upload (EvidenceRefused when the location or the hash is bad)."""
    content = files.video_reference(location, video_sha256)
    return Upload(f"录像索引-{video_sha256.strip().lower()[:12]}.txt", content, "录像索引")


def access_problem(case: CaseRow | None, user: str, roles: Sequence[str]) -> Violation | None:
    """Why this user may not upload for this case (no such case, no uploading role, not their case)."""
    if case is None:
        return Violation(ErrorCode.NO_SUCH_TASK, None, "没有这个案件")
    held = [r for r in UPLOAD_ROLES if r in roles]
    if not held:
        return Violation(ErrorCode.FORBIDDEN, None, "上传证据材料须为检查人员、初审人员或本案申请单位")
    if held == [Role.APPLICANT.value] and case.applicant != user:
        return Violation(ErrorCode.FORBIDDEN, None, "这不是您提交的案件，不能为它上传材料")
    return None


def upload(
    rt: Runtime,
    root: Path,
    *,
    case_id: int,
    user: str,
    roles: Sequence[str],
    uploads: Sequence[Upload],
    max_bytes: int = files.MAX_BYTES,
) -> UploadOutcome:
    """Store the files for the case, all or none: each is checked (type by content, size, kind) first."""
    with rt.session() as session:
        problem = access_problem(session.get(CaseRow, case_id), user, roles)
        if problem is not None:
            return _refused(problem)
        if not uploads:
            return _refused(Violation(ErrorCode.INVALID_FIELD, "evidence", "请选择要上传的文件"))
        errors = []
        for i, one in enumerate(uploads):
            try:
                files.check_file(one.content, one.name, one.kind, max_bytes)
            except files.EvidenceRefused as refused:
                name = files.clean_name(one.name)
                errors.append(Violation(ErrorCode.INVALID_FIELD, f"evidence[{i}]", f"「{name}」：{refused}"))
        if errors:
            return _refused(*errors)
        at: datetime = rt.now()
        rows = [
            files.add(
                session,
                root,
                case_id=case_id,
                content=one.content,
                name=one.name,
                kind=one.kind,
                user=user,
                at=at,
                max_bytes=max_bytes,
            )
            for one in uploads
        ]
        hashes = tuple(r.sha256 for r in rows)
        session.commit()
    return UploadOutcome(True, hashes)


def cited(value: TaskInput) -> tuple[str, ...]:
    """The hashes a task's form cites (none for the tasks that take no evidence)."""
    return value.evidence if isinstance(value, _CITING) else ()


def evidence_violations(session: Session, case: CaseRow | None, value: TaskInput) -> list[Violation]:
    """Each cited hash that was not uploaded for this case, by its place ``evidence[i]``."""
    hashes = cited(value)
    present = files.known(session, case.id if case else None, hashes)
    return [
        Violation(
            ErrorCode.INVALID_FIELD,
            f"evidence[{i}]",
            f"附件 {h[:12]}… 不是本案件已上传的证据材料：请先上传文件，再附到本表",
        )
        for i, h in enumerate(hashes)
        if h not in present
    ]


def case_evidence(session: Session, case_id: int) -> list[Evidence]:
    """The case's evidence, in upload order."""
    return files.of_case(session, case_id)


def readable_size(size: int) -> str:
    """1.2 MiB, 35 KiB, 800 B."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} B"  # noqa: PLR2004 - one KiB
