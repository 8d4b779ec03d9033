"""The 花名册 template (004 attachment 2: 花名册; forms/roster_template.py) pinned cell by cell: the sheet the
roster reader reads, ID and phone columns as text on every fillable row, the 人员类别 list as a warning only,
the note on the ID column, and the 填写说明 sheet per applicant kind (004 (三)4: 由个人、企业或培训机构申领).

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from forms.roster_template import GROUPS, NOTES, write_roster_template


@pytest.fixture
def sheets(tmp_path: Path) -> tuple[Worksheet, Worksheet]:
    """Written afresh for each test (mutation testing credits the writer to every test that reads it)."""
    path = write_roster_template(tmp_path / "花名册模板.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["花名册", "填写说明"]
    return book["花名册"], book["填写说明"]


def test_the_roster_sheet_has_the_header_and_column_widths(sheets: tuple[Worksheet, Worksheet]) -> None:
    roster, _notes = sheets
    assert [c.value for c in roster[1]] == ["姓名", "身份证号", "联系电话", "人员类别"]
    assert [roster.column_dimensions[letter].width for letter in "ABCD"] == [12, 22, 16, 20]
    assert roster.freeze_panes == "A2"


@pytest.mark.parametrize("letter", ["B", "C"])
def test_id_number_and_phone_are_text_from_row_2_to_row_1000(
    sheets: tuple[Worksheet, Worksheet], letter: str
) -> None:
    """Excel would turn an 18-digit ID number typed as a number into 4.10881E+17, losing its last digits."""
    roster, _notes = sheets
    assert roster[f"{letter}2"].number_format == "@"
    assert roster[f"{letter}1000"].number_format == "@"
    assert roster[f"{letter}1001"].number_format == "General"
    assert roster[f"{letter}1"].number_format == "General"


def test_the_name_and_group_columns_stay_general(sheets: tuple[Worksheet, Worksheet]) -> None:
    roster, _notes = sheets
    assert roster["A2"].number_format == "General"
    assert roster["D2"].number_format == "General"


def test_the_id_column_header_carries_its_note(sheets: tuple[Worksheet, Worksheet]) -> None:
    roster, _notes = sheets
    comment = roster["B1"].comment
    assert comment is not None
    assert comment.text == "18位公民身份号码，本列为文本格式，请勿改为数字（否则末几位会丢失）"
    assert comment.author == "subsidyflow"


def test_the_group_column_offers_the_usual_categories_as_a_warning(
    sheets: tuple[Worksheet, Worksheet],
) -> None:
    roster, _notes = sheets
    [groups] = roster.data_validations.dataValidation
    assert str(groups.sqref) == "D2:D1000"
    assert groups.type == "list"
    assert groups.formula1 == '"' + ",".join(GROUPS) + '"'
    assert groups.allow_blank is True
    assert groups.errorStyle == "warning"
    assert groups.showErrorMessage is True
    assert groups.errorTitle == "人员类别"
    assert groups.error == "不在常用类别中：可以保留，请确认填写无误"


def test_the_notes_sheet_says_who_goes_on_the_roster(sheets: tuple[Worksheet, Worksheet]) -> None:
    _roster, notes = sheets
    rows = [tuple(c.value for c in row) for row in notes.iter_rows()]
    assert rows == [
        ("申请人类别", "花名册填写说明"),
        *NOTES,
        ("通用", "第一张表的第1行是表头，请勿修改；从第2行起每人一行，身份证号不能重复。"),
    ]
    assert [notes.column_dimensions[letter].width for letter in "AB"] == [14, 90]
