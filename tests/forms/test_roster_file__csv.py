"""花名册 from CSV: UTF-8 with or without BOM, or GB18030 as Chinese Excel saves it."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import ErrorCode, Violation
from domain.records import Trainee
from forms.roster_file import read_csv, read_roster, to_violations

TEXT = (
    "姓名,身份证号,联系电话,人员类别\r\n"
    "赵一,410881199503020118,13900000011,企业职工\r\n"
    ",,,\r\n"
    "\r\n"
    "钱二,4.10881E+17,13900000012,企业职工\r\n"
    '"孙三",410881199503020134,"0391-6633333","农村转移就业劳动者"\r\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_each_encoding_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(TEXT.encode(encoding))
    roster = read_roster(path)
    assert roster.trainees == (
        Trainee("赵一", "410881199503020118", "13900000011", "企业职工"),
        Trainee("孙三", "410881199503020134", "0391-6633333", "农村转移就业劳动者"),
    )
    (error,) = roster.errors
    assert (error.row, error.field, error.column) == (5, "id_number", "身份证号")
    assert error.message.startswith("第5行「身份证号」是科学计数法（4.10881E+17）")
    assert to_violations(roster) == [Violation(ErrorCode.INVALID_FIELD, "roster[3].id_number", error.message)]


def test_gb18030_beyond_gbk_is_read(tmp_path: Path) -> None:
    path = tmp_path / "roster.CSV"
    path.write_bytes(
        "姓名,身份证号,手机号,人员类别\n𠀀明,410881199503020118,13900000011,企业职工\n".encode("gb18030")
    )
    assert read_roster(path).trainees[0].name == "𠀀明"


def test_an_undecodable_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"\xff\xfe\x00\x80")
    (error,) = read_csv(path).errors
    assert error.row is None
    assert "编码" in error.message


def test_a_header_only_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("姓名,身份证号,联系电话,人员类别\n", encoding="utf-8")
    (error,) = read_csv(path).errors
    assert error.message == "花名册只有表头，没有学员"
