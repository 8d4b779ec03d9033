"""The list of certified trainees on the assessment_result form and as an uploaded table (004 attachment 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from domain.errors import ErrorCode
from domain.records import AssessmentResult, Certificate
from domain.vocab import AssessmentKind
from forms.certificates_file import certificates_from_rows, read_certificates, to_violations
from forms.validator import validate

SKILL = AssessmentKind.SKILL_LEVEL
LISTED = {
    "results": [{"kind": "职业技能等级认定", "participants": 3}],
    "certificates": [
        {"row": 1, "kind": "职业技能等级认定", "certificate_no": " S-001 "},
        {"id_number": "41088119950302109x", "kind": "职业技能等级认定", "certificate_no": "S-002"},
    ],
    "satisfaction_pct": 96,
}


def test_with_a_list_the_kinds_count_may_be_left_out() -> None:
    form = validate("assessment_result", LISTED)
    assert form.ok, form.errors
    value = form.value
    assert isinstance(value, AssessmentResult)
    assert value.certificates == (
        Certificate(SKILL, "S-001", row=1),
        Certificate(SKILL, "S-002", id_number="41088119950302109X"),  # normalised as on the roster
    )
    assert value.results[0].certified_stated is False


def test_without_a_list_the_kinds_count_is_required() -> None:
    data = {k: v for k, v in LISTED.items() if k != "certificates"}
    form = validate("assessment_result", data)
    assert [(v.code, v.field, v.message) for v in form.errors] == [
        (ErrorCode.INVALID_FIELD, "results[0].certified", "缺少必填项：考核结果第1项的取证人数")
    ]


def test_a_certificate_needs_its_kind_and_number() -> None:
    data = {**LISTED, "certificates": [{"row": 0, "kind": "驾驶证"}]}
    fields = {(v.code, v.field) for v in validate("assessment_result", data).errors}
    assert fields == {
        (ErrorCode.INVALID_FIELD, "certificates[0].row"),
        (ErrorCode.INVALID_FIELD, "certificates[0].kind"),
        (ErrorCode.INVALID_FIELD, "certificates[0].certificate_no"),
    }


def _xlsx(path: Path, *rows: tuple[object, ...]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_an_xlsx_list_becomes_the_forms_certificates(tmp_path: Path) -> None:
    file = _xlsx(
        tmp_path / "取证人员名单.xlsx",
        ("序号", "身份证号", "证书类型", "证书编号"),
        (1, None, "职业技能等级认定", "S-001"),
        (None, "41088119950302109x", "特种作业操作考核", "T-001"),
        (None, None, None, None),  # a blank row is skipped
    )
    read = read_certificates(file)
    assert read.ok, read.errors
    assert read.certificates == (
        {"kind": "职业技能等级认定", "certificate_no": "S-001", "row": 1},
        {"kind": "特种作业操作考核", "certificate_no": "T-001", "id_number": "41088119950302109X"},
    )
    form = validate("assessment_result", {**LISTED, "certificates": list(read.certificates)})
    assert form.ok, form.errors


def test_a_gbk_csv_with_id_numbers_only(tmp_path: Path) -> None:
    file = tmp_path / "list.csv"
    file.write_bytes("身份证号,证书类型,证书编号\n410881199503020118,结业考核,J-1\n".encode("gb18030"))
    read = read_certificates(file)
    assert read.certificates == (
        {"kind": "结业考核", "certificate_no": "J-1", "id_number": "410881199503020118"},
    )


def test_every_bad_row_is_named_by_row_and_column() -> None:
    read = certificates_from_rows(
        [
            ("序号", "身份证号", "证书类型", "证书编号"),
            ("第一", None, "职业技能等级认定", "S-1"),
            (None, None, "职业技能等级认定", "S-2"),
            (2, None, "驾驶证", "S-3"),
            (3, None, "结业考核", None),
        ]
    )
    assert [e.message for e in read.errors] == [
        "第2行「序号」“第一”不是花名册序号，请填写学员在花名册中的序号，例如 3",
        "第3行「身份证号」为空：请填写学员在花名册中的序号或身份证号",
        "第4行「证书类型」“驾驶证”不是考核类别，只能是：职业资格鉴定、职业技能等级认定、特种作业操作考核、专项职业能力考核、结业考核",
        "第5行「证书编号」为空",
    ]
    assert [(v.code, v.field) for v in to_violations(read)] == [
        (ErrorCode.INVALID_FIELD, "certificates[0].row"),
        (ErrorCode.INVALID_FIELD, "certificates[1].id_number"),
        (ErrorCode.INVALID_FIELD, "certificates[2].kind"),
        (ErrorCode.INVALID_FIELD, "certificates[3].certificate_no"),
    ]


def test_a_list_must_say_who_and_a_bad_file_is_refused(tmp_path: Path) -> None:
    read = certificates_from_rows([("证书类型", "证书编号"), ("结业考核", "J-1")])
    assert [e.message for e in read.errors] == [
        "第1行表头须有「序号」或「身份证号」列，用来指明取得证书的学员"
    ]
    assert [v.field for v in to_violations(read)] == ["certificates"]
    (tmp_path / "bad.xlsx").write_bytes(b"no zip")
    assert "另存为 .xlsx" in read_certificates(tmp_path / "bad.xlsx").errors[0].message
    with pytest.raises(ValueError, match="只支持"):
        read_certificates(tmp_path / "list.txt")
