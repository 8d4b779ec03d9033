"""花名册 from Excel: rows by the number Excel shows, columns by their header, numbers turned into text."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from domain.errors import ErrorCode, Violation
from domain.records import Trainee
from forms.roster_file import RosterRowError, read_roster, read_xlsx, roster_from_rows, to_violations

HEADER = ("序号", "姓名", "身份证号", "手机号", "人员类别")


def workbook(path: Path, *rows: tuple[object, ...]) -> Path:
    """Write the rows to the first sheet of a new .xlsx file (a second sheet is ignored)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("说明").append(["本页不是花名册"])
    book.save(path)
    return path


def test_a_good_file_gives_trainees(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "roster.xlsx",
        HEADER,
        (1, "赵一", "410881199503020118", 13900000011, "企业职工"),
        (2, " 钱二 ", "41088119950302012x", "13900000012", "企业职工"),
    )
    roster = read_roster(path)
    assert roster.ok
    assert roster.errors == ()
    assert roster.trainees == (
        Trainee("赵一", "410881199503020118", "13900000011", "企业职工"),
        Trainee("钱二", "41088119950302012X", "13900000012", "企业职工"),
    )


def test_a_bad_row_is_reported_by_row_number_and_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "roster.xlsx",
        HEADER,
        (1, "赵一", "410881199503020118", "13900000011", "企业职工"),
        (),
        (3, "孙三", "410881199503020134", "13900000013", "企业职工"),
        (4, "李四", None, "13900000014", "企业职工"),
    )
    roster = read_xlsx(path)
    assert not roster.ok
    assert [t.name for t in roster.trainees] == ["赵一", "孙三"]
    assert roster.errors == (RosterRowError(5, "id_number", "身份证号", "第5行「身份证号」为空"),)
    assert to_violations(roster) == [
        Violation(ErrorCode.INVALID_FIELD, "roster[3].id_number", "第5行「身份证号」为空")
    ]


def test_a_float_id_number_asks_for_a_text_column(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", HEADER, (1, "赵一", 4.10881199503020e17, 13900000011.0, "企业职工"))
    (error,) = read_xlsx(path).errors
    assert (error.row, error.field, error.column) == (2, "id_number", "身份证号")
    assert (
        error.message
        == "第2行「身份证号」是数字格式，身份证号的末几位已丢失；请把该列设置为「文本」格式后重新录入"
    )


def test_numbers_in_cells_become_text() -> None:
    roster = roster_from_rows(
        [
            ("姓名", "身份证号", "联系电话", "人员类别"),
            ("赵一", 410881199503020118, 13900000011, "企业职工"),
            ("钱二", "410881199503020126", 13900000012.0, "企业职工"),
            ("孙三", "410881199503020134", 1390000.5, "企业职工"),
        ]
    )
    assert [(t.id_number, t.phone) for t in roster.trainees] == [
        ("410881199503020118", "13900000011"),
        ("410881199503020126", "13900000012"),
    ]
    assert [e.message for e in roster.errors] == [
        "第4行「联系电话」是小数格式；请把该列设置为「文本」格式后重新录入"
    ]


def test_every_problem_of_a_row_is_reported(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", ("name", "ID_Number", "phone", "group"), ("赵一", "", " ", None))
    roster = read_xlsx(path)
    assert [(e.row, e.field) for e in roster.errors] == [(2, "id_number"), (2, "phone"), (2, "group")]
    assert roster.errors[0].message == "第2行「ID_Number」为空"
    assert [v.field for v in to_violations(roster)] == [
        "roster[0].id_number",
        "roster[0].phone",
        "roster[0].group",
    ]


def test_a_short_row_has_empty_cells(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx", ("姓名", "身份证号", "联系电话", "人员类别"), ("赵一", "410881199503020118")
    )
    assert [e.field for e in read_xlsx(path).errors] == ["phone", "group"]


def test_missing_columns_are_reported_on_the_header(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", ("姓名", "电话"), ("赵一", "13900000011"))
    roster = read_xlsx(path)
    assert roster.trainees == ()
    assert [(e.row, e.column) for e in roster.errors] == [(1, "身份证号"), (1, "联系电话"), (1, "人员类别")]
    assert (
        roster.errors[0].message
        == "表头缺少「身份证号」列（第1行须为表头：姓名、身份证号、联系电话、人员类别）"
    )
    assert {v.field for v in to_violations(roster)} == {"roster"}


def test_a_doubled_column_is_reported(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", ("姓名", "身份证号", "手机号", "联系电话", "*人员类别"))
    (error,) = read_xlsx(path).errors
    assert error.message == "表头「联系电话」与「手机号」是同一列，请只保留一列"


@pytest.mark.parametrize(
    "rows", [(), ((None, None),), (("姓名", "身份证号", "联系电话", "人员类别"), (None,))]
)
def test_an_empty_file_is_one_error(tmp_path: Path, rows: tuple[tuple[object, ...], ...]) -> None:
    roster = read_xlsx(workbook(tmp_path / "r.xlsx", *rows))
    assert roster.trainees == ()
    (error,) = roster.errors
    assert (error.row, error.field) == (None, None)
    assert to_violations(roster)[0].field == "roster"


def test_a_file_that_is_not_xlsx_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls file")
    (error,) = read_roster(path).errors
    assert "另存为 .xlsx" in error.message


def test_other_suffixes_are_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"只支持 \.xlsx 或 \.csv"):
        read_roster(tmp_path / "roster.xls")
