"""Evidence files kept by content hash: type read from the magic bytes, size bounded, rows per case.

A file lives once under the evidence directory as ``ab/cdef…`` (its sha256 split after two hex
digits), written atomically; the ``evidence`` row says which case it was uploaded for, as what kind,
by whom and when. Types are judged by the content, never by the name: PDF, JPEG, PNG, XLSX, CSV and
plain text; a name whose extension says another type is refused. A recording is not stored itself:
its reference (where it is kept and the sha256 of the video file) is stored as a small text record
(004 (三)2: 理论教学全程录像).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlmodel import Session, col, select

from store.evidence_tables import Evidence

KINDS = ("签到表", "现场照片", "录像索引", "教学计划", "其他")
MAX_BYTES = 20 * 1024 * 1024  # 20 MiB per file
MAX_NAME = 255
MAX_LOCATION = 500
SHA256 = re.compile(r"^[0-9a-f]{64}$")

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV, TEXT = "text/csv", "text/plain"
TYPE_TITLES = {PDF: "PDF 文档", JPEG: "JPEG 图片", PNG: "PNG 图片", XLSX: "Excel 表格（XLSX）",
               CSV: "CSV 表格", TEXT: "纯文本"}  # fmt: skip
_EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg"}, PNG: {".png"}, XLSX: {".xlsx"}, CSV: {".csv"},
               TEXT: {".txt"}}  # fmt: skip
_KNOWN_EXTENSIONS = frozenset().union(*_EXTENSIONS.values())
# the types each kind of material may be (a photo is an image, a recording's reference a text record)
KIND_TYPES = {
    "签到表": (PDF, JPEG, PNG, XLSX, CSV), "现场照片": (JPEG, PNG), "录像索引": (TEXT,),
    "教学计划": (PDF, XLSX, CSV, TEXT), "其他": (PDF, JPEG, PNG, XLSX, CSV, TEXT),
}  # fmt: skip
_VIDEO_MAGIC = (b"\x1aE\xdf\xa3", b"FLV", b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3", b"\x30\x26\xb2\x75")
_TEXT_CONTROLS = frozenset("\t\n\r")


class EvidenceRefused(Exception):
    """A file the store does not take: the Chinese reason, for the field it was given in."""


def _is_video(content: bytes) -> bool:
    return content[4:8] == b"ftyp" or content.startswith(_VIDEO_MAGIC) or content[8:12] == b"AVI "


def _is_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:  # the directory only: nothing is inflated
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _is_text(content: bytes) -> bool:
    try:
        text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS for c in text)


def sniff(content: bytes, extension: str = "") -> str:
    """The media type of ``content`` by its magic bytes (EvidenceRefused: empty, a video, not allowed)."""
    if not content:
        raise EvidenceRefused("文件为空")
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04") and _is_xlsx(content):
        return XLSX
    if _is_video(content):
        raise EvidenceRefused("录像文件本身不上传：请以「录像索引」登记录像的存放位置和录像文件的 SHA-256")
    if _is_text(content):
        return CSV if extension == ".csv" else TEXT
    raise EvidenceRefused(
        "不支持的文件类型：只接受 PDF、JPEG、PNG、XLSX、CSV 和纯文本（按文件内容判断，不看扩展名）"
    )


def clean_name(name: str) -> str:
    """The uploaded name without folders or control characters, at most 255 characters ("未命名" if none)."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    shown = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return shown[:MAX_NAME] or "未命名"


def check_file(content: bytes, name: str, kind: str, max_bytes: int = MAX_BYTES) -> str:
    """The media type of an upload that passes every limit (EvidenceRefused with the reason otherwise)."""
    if kind not in KIND_TYPES:
        raise EvidenceRefused(f"材料类别只能是：{'、'.join(KINDS)}")
    if len(content) > max_bytes:
        size, limit = len(content) / 1024 / 1024, max_bytes / 1024 / 1024
        raise EvidenceRefused(f"文件大小 {size:.1f} MiB，超过上限 {limit:.0f} MiB")
    extension = PurePosixPath(clean_name(name)).suffix.lower()
    media_type = sniff(content, extension)
    title = TYPE_TITLES[media_type]
    if extension in _KNOWN_EXTENSIONS and extension not in _EXTENSIONS[media_type]:
        raise EvidenceRefused(f"文件内容是{title}，与扩展名 {extension} 不符（类型按文件内容判断）")
    if extension and extension not in _KNOWN_EXTENSIONS:
        raise EvidenceRefused(f"扩展名 {extension} 不在允许之列：只接受 PDF、JPEG、PNG、XLSX、CSV 和纯文本")
    if media_type not in KIND_TYPES[kind]:
        allowed = "、".join(TYPE_TITLES[t] for t in KIND_TYPES[kind])
        raise EvidenceRefused(f"「{kind}」只能是 {allowed}，这个文件是{title}")
    return media_type


def video_reference(location: str, video_sha256: str) -> bytes:
    """The text record of a recording: where it is kept and the sha256 of the video file itself."""
    place = location.strip()
    if not place or len(place) > MAX_LOCATION or any(unicodedata.category(c)[0] == "C" for c in place):
        raise EvidenceRefused(f"录像存放位置须为 1–{MAX_LOCATION} 个字的一行文字（网址或存储路径）")
    digest = video_sha256.strip().lower()
    if not SHA256.match(digest):
        raise EvidenceRefused("录像文件的 SHA-256 须为 64 位十六进制数字（如 sha256sum 的输出）")
    return f"录像索引\n存放位置：{place}\n录像文件 SHA-256：{digest}\n".encode()


def sha256_of(content: bytes) -> str:
    """The hex sha256 of ``content``."""
    return hashlib.sha256(content).hexdigest()


def path_of(root: Path, sha256: str) -> Path:
    """Where the file of this hash is kept: ``root/ab/cdef…``."""
    if not SHA256.match(sha256):
        raise ValueError(f"not a sha256: {sha256!r}")
    return root / sha256[:2] / sha256[2:]


def file_hash(root: Path, sha256: str) -> str | None:
    """The sha256 of the stored file as it is now (None: the file is missing)."""
    path = path_of(root, sha256)
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as stored:
        for block in iter(lambda: stored.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_file(root: Path, content: bytes) -> str:
    """Keep ``content`` under its hash (atomically; a missing or altered copy is written anew)."""
    sha256 = sha256_of(content)
    path = path_of(root, sha256)
    if file_hash(root, sha256) == sha256:
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(content)
    os.replace(partial, path)
    return sha256


def add(
    session: Session,
    root: Path,
    *,
    case_id: int,
    content: bytes,
    name: str,
    kind: str,
    user: str,
    at: datetime,
    max_bytes: int = MAX_BYTES,
) -> Evidence:
    """Store an upload for a case (the row as first recorded when the case has this file already)."""
    media_type = check_file(content, name, kind, max_bytes)
    sha256 = write_file(root, content)
    row = session.get(Evidence, (sha256, case_id))
    if row is not None:
        return row
    row = Evidence(
        sha256=sha256, case_id=case_id, size=len(content), media_type=media_type,
        original_name=clean_name(name), kind=kind, uploaded_by=user, uploaded_at=at,
    )  # fmt: skip
    session.add(row)
    return row


def of_case(session: Session, case_id: int) -> list[Evidence]:
    """A case's evidence, in the order it was uploaded."""
    stmt = select(Evidence).where(Evidence.case_id == case_id).order_by(col(Evidence.uploaded_at))
    return list(session.exec(stmt))


def known(session: Session, case_id: int | None, hashes: Iterable[str]) -> set[str]:
    """Those of ``hashes`` uploaded for this case."""
    wanted = {h for h in hashes if isinstance(h, str)}
    if case_id is None or not wanted:
        return set()
    stmt = select(Evidence.sha256).where(Evidence.case_id == case_id, col(Evidence.sha256).in_(wanted))
    return set(session.exec(stmt))


def one(session: Session, case_id: int, sha256: str) -> Evidence | None:
    """The case's evidence of this hash, or None."""
    return session.get(Evidence, (sha256, case_id))
