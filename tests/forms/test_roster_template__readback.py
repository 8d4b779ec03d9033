"""The 花名册 template (004 attachment 2: 花名册) reads back through the roster reader; notes per applicant kind."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from forms.roster_file import read_roster, roster_from_rows, table_rows
from forms.roster_template import GROUPS, write_roster_template


def test_the_template_reads_back_with_zero_trainees_and_no_column_problem(tmp_path: Path) -> None:
    path = write_roster_template(tmp_path / "花名册模板.xlsx")
    read = read_roster(path)
    assert read.trainees == ()
    # the only message an unfilled template gets is that it has no trainee yet: every column is recognised
    assert [(e.row, e.column, e.message) for e in read.errors] == [(None, None, "花名册只有表头，没有学员")]


def test_a_filled_template_is_a_roster(tmp_path: Path) -> None:
    path = write_roster_template(tmp_path / "t.xlsx")
    with table_rows(path) as (rows, _total):
        header = list(next(rows))
    read = roster_from_rows([header, ("王小明", "110105199003070017", "13900000009", "城镇登记失业人员")])
    assert read.ok, read.errors
    assert read.trainees[0].id_number == "110105199003070017"


def test_the_template_says_what_each_applicant_kind_fills(tmp_path: Path) -> None:
    book = load_workbook(write_roster_template(tmp_path / "t.xlsx"))
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号", "联系电话", "人员类别"]
    assert sheet["B2"].number_format == "@"  # ID numbers as text: Excel would drop their last digits
    validation = sheet.data_validations.dataValidation[0]
    assert str(validation.sqref) == "D2:D1000"
    assert validation.formula1 == '"' + ",".join(GROUPS) + '"'
    kinds = [row[0].value for row in notes.iter_rows(min_row=2)]
    assert kinds[:3] == ["培训机构申请", "企业自主培训", "个人申请"]
    assert "只填申请人本人一行" in str(notes["B4"].value)


def test_the_command_writes_the_template(tmp_path: Path) -> None:
    out = tmp_path / "花名册模板.xlsx"
    result = CliRunner().invoke(app, ["roster", "template", "--out", str(out)])
    assert result.exit_code == 0, result.stdout
    assert "已生成花名册模板" in result.stdout
    assert read_roster(out).trainees == ()
    assert CliRunner().invoke(app, ["roster", "template", "--out", str(tmp_path / "t.csv")]).exit_code == 2
    assert (
        CliRunner().invoke(app, ["roster", "template", "--out", str(tmp_path / "no" / "t.xlsx")]).exit_code
        == 2
    )
