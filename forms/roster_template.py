"""The 花名册 template a class's applicant downloads, fills and uploads (004 attachment 2: 花名册).

Sheet 1 is what the roster reader reads (forms/roster_file.py): the header row only, with the
身份证号 and 联系电话 columns as text (Excel would lose an ID number's last digits) and the 人员类别
column offering the usual categories. Sheet 2, 填写说明, says per applicant kind (004 (三)4:
由个人、企业或培训机构申领) who goes on the roster.
"""

from __future__ import annotations

from pathlib import Path

from forms.roster_file import COLUMNS

GROUPS = (
    "企业职工",
    "农村转移就业劳动者",
    "城镇登记失业人员",
    "高校毕业生",
    "脱贫劳动力",
    "退役军人",
    "其他",
)
NOTES: tuple[tuple[str, str], ...] = (
    (
        "培训机构申请",
        "填写本班全部参训学员，每人一行，人数须与计划培训人数一致；每班不超过50人（重点人群30人）。",
    ),
    (
        "企业自主培训",
        "填写本企业参训职工，每人一行；补贴拨付到企业对公账户，开班申请须填企业统一社会信用代码。",
    ),
    ("个人申请", "只填申请人本人一行（计划培训人数填 1）；补贴拨付到本人银行账户。"),
)
_WIDTHS = (12, 22, 16, 20)
_TEXT = "@"  # Excel's text number format
_LAST_ROW = 1000


def write_roster_template(path: Path) -> Path:
    """Write the .xlsx roster template to ``path`` and return it."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = "花名册"
    headers = [names[0] for names in COLUMNS.values()]
    sheet.append(headers)
    for index, (field, width) in enumerate(zip(COLUMNS, _WIDTHS, strict=True), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if field in {"id_number", "phone"}:
            for row in range(2, _LAST_ROW + 1):
                sheet[f"{letter}{row}"].number_format = _TEXT
    sheet["B1"].comment = Comment(
        "18位公民身份号码，本列为文本格式，请勿改为数字（否则末几位会丢失）", "subsidyflow"
    )
    group_letter = get_column_letter(list(COLUMNS).index("group") + 1)
    groups = DataValidation(
        type="list", formula1='"' + ",".join(GROUPS) + '"', allow_blank=True, errorStyle="warning",
        showErrorMessage=True, errorTitle="人员类别", error="不在常用类别中：可以保留，请确认填写无误",
    )  # fmt: skip
    groups.add(f"{group_letter}2:{group_letter}{_LAST_ROW}")
    sheet.add_data_validation(groups)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["申请人类别", "花名册填写说明"])
    for kind, text in NOTES:
        notes.append([kind, text])
    notes.append(["通用", "第一张表的第1行是表头，请勿修改；从第2行起每人一行，身份证号不能重复。"])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    book.save(path)
    return path
