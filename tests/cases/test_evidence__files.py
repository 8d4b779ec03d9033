"""Evidence files: the type is read from the content, sizes are bounded, files are kept by their hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from evidence_support import JPEG, MP4, PDF, PNG, TEXT, xlsx

from store import evidence as files


@pytest.mark.parametrize(
    ("content", "name", "kind", "media_type"),
    [
        (PDF, "签到表.pdf", "签到表", files.PDF),
        (JPEG, "现场.JPG", "现场照片", files.JPEG),
        (PNG, "现场.png", "现场照片", files.PNG),
        (TEXT, "签到.csv", "签到表", files.CSV),
        (TEXT, "说明.txt", "其他", files.TEXT),
        (TEXT, "无扩展名", "其他", files.TEXT),
    ],
)
def test_the_type_is_read_from_the_magic_bytes(content: bytes, name: str, kind: str, media_type: str) -> None:
    assert files.check_file(content, name, kind) == media_type


def test_a_real_workbook_is_xlsx_and_a_zip_without_a_workbook_is_not() -> None:
    assert files.check_file(xlsx(), "签到表.xlsx", "签到表") == files.XLSX
    with pytest.raises(files.EvidenceRefused, match="不支持的文件类型"):
        files.sniff(b"PK\x03\x04" + b"\x00" * 40)


def test_a_jpg_that_is_really_text_is_refused() -> None:
    with pytest.raises(files.EvidenceRefused, match=r"文件内容是纯文本，与扩展名 \.jpg 不符"):
        files.check_file(TEXT, "现场照片.jpg", "现场照片")


def test_a_pdf_named_as_an_image_and_an_unknown_extension_are_refused() -> None:
    with pytest.raises(files.EvidenceRefused, match=r"与扩展名 \.png 不符"):
        files.check_file(PDF, "x.png", "其他")
    with pytest.raises(files.EvidenceRefused, match=r"扩展名 \.exe 不在允许之列"):
        files.check_file(PDF, "x.exe", "其他")


def test_binary_garbage_a_video_and_an_empty_file_are_refused() -> None:
    with pytest.raises(files.EvidenceRefused, match="不支持的文件类型"):
        files.check_file(b"\x00\x01\x02binary", "x.txt", "其他")
    with pytest.raises(files.EvidenceRefused, match="录像文件本身不上传"):
        files.check_file(MP4, "课堂.mp4", "录像索引")
    with pytest.raises(files.EvidenceRefused, match="文件为空"):
        files.check_file(b"", "空.txt", "其他")


def test_a_kind_takes_only_its_types() -> None:
    with pytest.raises(files.EvidenceRefused, match="「现场照片」只能是 JPEG 图片、PNG 图片"):
        files.check_file(PDF, "照片.pdf", "现场照片")
    with pytest.raises(files.EvidenceRefused, match="材料类别只能是"):
        files.check_file(PDF, "a.pdf", "照片")


def test_the_size_limit() -> None:
    assert files.MAX_BYTES == 20 * 1024 * 1024
    files.check_file(PDF + b"x" * 100, "a.pdf", "其他", max_bytes=len(PDF) + 100)
    with pytest.raises(files.EvidenceRefused, match="超过上限"):
        files.check_file(PDF + b"x" * 101, "a.pdf", "其他", max_bytes=len(PDF) + 100)


def test_a_recording_is_kept_as_its_reference() -> None:
    video = hashlib.sha256(b"the video").hexdigest()
    record = files.video_reference(" nas://录像/2026-03-25/实训车间2.mp4 ", video.upper())
    assert files.check_file(record, "录像索引.txt", "录像索引") == files.TEXT
    assert "存放位置：nas://录像/2026-03-25/实训车间2.mp4" in record.decode()
    assert video in record.decode()
    with pytest.raises(files.EvidenceRefused, match="64 位十六进制"):
        files.video_reference("nas://x", "abc")
    with pytest.raises(files.EvidenceRefused, match="存放位置"):
        files.video_reference("a\nb", video)


def test_files_are_kept_by_hash_and_an_altered_copy_is_rewritten(tmp_path: Path) -> None:
    sha = files.write_file(tmp_path, PDF)
    assert sha == hashlib.sha256(PDF).hexdigest()
    path = tmp_path / sha[:2] / sha[2:]
    assert path.read_bytes() == PDF and files.file_hash(tmp_path, sha) == sha
    path.write_bytes(b"changed")
    assert files.file_hash(tmp_path, sha) == hashlib.sha256(b"changed").hexdigest()
    assert files.write_file(tmp_path, PDF) == sha and path.read_bytes() == PDF
    path.unlink()
    assert files.file_hash(tmp_path, sha) is None
    with pytest.raises(ValueError, match="not a sha256"):
        files.path_of(tmp_path, "../../etc/passwd")


def test_names_lose_their_folders_and_control_characters() -> None:
    assert files.clean_name("C:\\Users\\a\\签到表.pdf") == "签到表.pdf"
    assert files.clean_name("../../x\u202e.pdf") == "x.pdf"
    assert files.clean_name("") == "未命名"
