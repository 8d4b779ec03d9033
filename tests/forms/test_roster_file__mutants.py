"""The 花名册 file (004 attachment 2: 花名册; forms/roster_file.py) pinned exactly: header problems by column,
numbers Excel loses, short rows, progress, and each message word for word.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.roster_file import ROSTER_COLUMNS, RosterRowError, read_table, roster_from_rows, table_rows

HEADER = ("姓名", "身份证号", "联系电话", "人员类别")
ID = "110105199003070017"
HINT = "第1行须为表头：姓名、身份证号、联系电话、人员类别"
AS_TEXT = "请把该列设置为「文本」格式后重新录入"


def test_a_phone_number_read_as_a_float_is_exact_below_2_to_the_53() -> None:
    below = roster_from_rows([HEADER, ("张三", ID, 2.0**53 - 1, "企业职工")])
    assert below.ok and below.trainees[0].phone == "9007199254740991"
    at = roster_from_rows([HEADER, ("张三", ID, 2.0**53, "企业职工")])
    assert at.errors == (RosterRowError(2, "phone", "联系电话", f"第2行「联系电话」是小数格式；{AS_TEXT}"),)


def test_an_id_number_in_scientific_notation_names_the_column_in_chinese() -> None:
    read = roster_from_rows([HEADER, ("张三", "1.10105E+17", "13900000000", "企业职工")])
    assert read.errors == (
        RosterRowError(
            2,
            "id_number",
            "身份证号",
            f"第2行「身份证号」是科学计数法（1.10105E+17），身份证号已丢失；{AS_TEXT}",
        ),
    )


def test_a_doubled_column_is_named_with_both_spellings() -> None:
    read = roster_from_rows([(*HEADER, "name"), ("张三", ID, "13900000000", "企业职工", "张三")])
    assert read.trainees == ()
    assert read.errors == (RosterRowError(1, "name", "name", "表头「name」与「姓名」是同一列，请只保留一列"),)


def test_a_missing_column_is_named_with_the_header_the_file_needs() -> None:
    read = roster_from_rows([("姓名", "身份证号", "人员类别"), ("张三", ID, "企业职工")])
    assert read.errors == (RosterRowError(1, "phone", "联系电话", f"表头缺少「联系电话」列（{HINT}）"),)


def test_only_stars_and_blanks_are_taken_off_a_header() -> None:
    """A required-field star (姓名*) is fine; a column called Xgroup is not 人员类别 but an unknown column."""
    read = roster_from_rows(
        [("姓名*", "＊身份证号", "联系电话", "人员类别", "Xgroup"), ("张三", ID, "13900000000", "其他", "x")]
    )
    assert read.ok, read.errors
    assert read.trainees[0].group == "其他"


def test_an_empty_file_says_what_the_first_row_must_be() -> None:
    read = roster_from_rows([])
    assert read.errors == (RosterRowError(None, None, None, f"花名册是空的或第1行为空（{HINT}）"),)


def test_a_short_row_is_read_with_its_missing_cells_empty() -> None:
    read = roster_from_rows([HEADER, ("张三", ID)])
    assert read.errors == (
        RosterRowError(2, "phone", "联系电话", "第2行「联系电话」为空"),
        RosterRowError(2, "group", "人员类别", "第2行「人员类别」为空"),
    )


def test_progress_is_told_each_data_row_blank_ones_included() -> None:
    told: list[int] = []
    rows = [
        HEADER,
        ("张三", ID, "13900000000", "其他"),
        (None, None),
        ("李四", "110105199003070025", "13900000001", "其他"),
    ]
    read = read_table(rows, ROSTER_COLUMNS, what="花名册", item="学员", on_row=told.append)
    assert len(read.rows) == 2  # noqa: PLR2004
    assert told == [2, 3, 4]


def test_a_file_neither_xlsx_nor_csv_is_refused_by_name() -> None:
    with pytest.raises(ValueError) as refused:
        table_rows(Path("花名册.xls"))
    assert str(refused.value) == "只支持 .xlsx 或 .csv 文件，收到的是 花名册.xls"
