"""The 取证人员名单 file (004 attachment 2: 取证总人数; forms/certificates_file.py) pinned exactly: each problem's
row, field, column and Chinese message, and an empty list of certificates (never none) when refused.

Written against the mutants that had no test in the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from pathlib import Path

from domain.errors import ErrorCode, Violation
from forms.certificates_file import certificates_from_rows, read_certificates, to_violations
from forms.roster_file import RosterRowError


def test_a_row_number_must_be_1_or_more() -> None:
    read = certificates_from_rows([("序号", "证书类型", "证书编号"), ("0", "结业考核", "J-1")])
    assert read.certificates == ()
    assert read.errors == (
        RosterRowError(
            2, "row", "序号", "第2行「序号」“0”不是花名册序号，请填写学员在花名册中的序号，例如 3"
        ),
    )
    assert to_violations(read) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "certificates[0].row",
            "第2行「序号」“0”不是花名册序号，请填写学员在花名册中的序号，例如 3",
        )
    ]


def test_a_list_by_row_alone_is_read_and_a_blank_row_is_named_in_that_column() -> None:
    good = certificates_from_rows([("序号", "证书类型", "证书编号"), (1, "结业考核", "J-1")])
    assert good.ok
    assert good.certificates == ({"kind": "结业考核", "certificate_no": "J-1", "row": 1},)
    blank = certificates_from_rows([("花名册序号", "证书类型", "证书编号"), (None, "结业考核", "J-1")])
    assert blank.errors == (
        RosterRowError(
            2, "row", "花名册序号", "第2行「花名册序号」为空：请填写学员在花名册中的序号或身份证号"
        ),
    )


def test_a_list_naming_nobody_is_refused_on_the_id_number_column() -> None:
    read = certificates_from_rows([("证书类型", "证书编号"), ("结业考核", "J-1")])
    assert read.certificates == ()
    assert read.errors == (
        RosterRowError(
            1, "id_number", "身份证号", "第1行表头须有「序号」或「身份证号」列，用来指明取得证书的学员"
        ),
    )


def test_a_header_without_certificates_says_so() -> None:
    read = certificates_from_rows([("序号", "证书类型", "证书编号")])
    assert read.certificates == ()
    assert read.errors == (RosterRowError(None, None, None, "取证人员名单只有表头，没有证书"),)
    assert to_violations(read) == [
        Violation(ErrorCode.INVALID_FIELD, "certificates", "取证人员名单只有表头，没有证书")
    ]


def test_an_unreadable_file_has_no_certificates(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"no zip")
    read = read_certificates(tmp_path / "bad.xlsx")
    assert read.certificates == ()
    assert [(e.row, e.field, e.column) for e in read.errors] == [(None, None, None)]
