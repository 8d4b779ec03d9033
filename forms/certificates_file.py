"""取证人员名单 import: the real-name list of certificates of an assessment result from an .xlsx or .csv file.

Columns (004 attachment 2: 取证总人数): 序号 (the trainee's line on the class's roster) or 身份证号 (or both),
证书类型 (one of the assessment kinds), 证书编号. The rows become the ``certificates`` of the
assessment_result form; the roster, kinds and duplicates are judged with the form (domain/certificates.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import ErrorCode, Violation
from domain.vocab import AssessmentKind
from forms.roster_file import (
    RosterRowError,
    TableColumn,
    TableRead,
    TableRow,
    TableUnreadable,
    read_table,
    table_rows,
)

CERTIFICATE_COLUMNS = (
    TableColumn("row", ("序号", "花名册序号", "row"), required=False),
    TableColumn(
        "id_number", ("身份证号", "身份证号码", "公民身份号码", "id_number"), required=False, long_number=True
    ),
    TableColumn("kind", ("证书类型", "考核类别", "kind")),
    TableColumn("certificate_no", ("证书编号", "证书号", "certificate_no"), long_number=True),
)
_FIRST_DATA_ROW = 2  # row 1 is the header
_KINDS = "、".join(k.value for k in AssessmentKind)


@dataclass(frozen=True, slots=True)
class CertificatesImport:
    """The ``certificates`` entries of the rows read without error, and every problem of the file."""

    certificates: tuple[dict[str, Any], ...]
    errors: tuple[RosterRowError, ...]

    @property
    def ok(self) -> bool:
        """True when every row was read."""
        return not self.errors


def _entry(row: TableRow, headers: dict[str, str]) -> tuple[dict[str, Any] | None, list[RosterRowError]]:
    """A row as a ``certificates`` entry, or what is wrong with it (by row and column)."""
    n = row.number
    cells = row.cells
    errors: list[RosterRowError] = []

    def problem(field: str, message: str) -> None:
        column = headers[field]
        errors.append(RosterRowError(n, field, column, f"第{n}行「{column}」{message}"))

    entry: dict[str, Any] = {"kind": cells["kind"], "certificate_no": cells["certificate_no"]}
    if cells["row"]:
        if cells["row"].isascii() and cells["row"].isdigit() and int(cells["row"]) >= 1:
            entry["row"] = int(cells["row"])
        else:
            problem("row", f"“{cells['row']}”不是花名册序号，请填写学员在花名册中的序号，例如 3")
    if cells["id_number"]:
        entry["id_number"] = cells["id_number"]
    if not cells["row"] and not cells["id_number"]:
        problem(
            "id_number" if "id_number" in headers else "row", "为空：请填写学员在花名册中的序号或身份证号"
        )
    if cells["kind"] not in {k.value for k in AssessmentKind}:
        problem("kind", f"“{cells['kind']}”不是考核类别，只能是：{_KINDS}")
    return (None, errors) if errors else (entry, [])


def certificates_from_table(table: TableRead) -> CertificatesImport:
    """The entries of a table read with CERTIFICATE_COLUMNS, and every problem in row order."""
    errors = list(table.errors)
    if not errors and not {"row", "id_number"} & set(table.headers):
        message = "第1行表头须有「序号」或「身份证号」列，用来指明取得证书的学员"
        errors.append(RosterRowError(1, "id_number", "身份证号", message))
        return CertificatesImport((), tuple(errors))
    entries: list[dict[str, Any]] = []
    for row in table.rows:
        entry, row_errors = _entry(row, table.headers)
        errors.extend(row_errors)
        if entry is not None:
            entries.append(entry)
    errors.sort(key=lambda e: -1 if e.row is None else e.row)
    return CertificatesImport(tuple(entries), tuple(errors))


def certificates_from_rows(rows: Iterable[Sequence[object]]) -> CertificatesImport:
    """Read the list from table rows: a header row, then one certificate a row; blank rows are skipped."""
    return certificates_from_table(read_table(rows, CERTIFICATE_COLUMNS, what="取证人员名单", item="证书"))


def read_certificates(path: Path) -> CertificatesImport:
    """Read a 取证人员名单 file (.xlsx first sheet, or .csv in UTF-8 or GB18030)."""
    if path.suffix.lower() not in {".xlsx", ".csv"}:
        raise ValueError(f"取证人员名单只支持 .xlsx 或 .csv 文件，收到的是 {path.name}")
    try:
        with table_rows(path) as (rows, _total):
            return certificates_from_rows(rows)
    except TableUnreadable as unreadable:
        return CertificatesImport((), (RosterRowError(None, None, None, str(unreadable)),))


def to_violations(found: CertificatesImport) -> list[Violation]:
    """The import's problems as invalid_field violations; data row N is ``certificates[N-2].<field>``."""
    out: list[Violation] = []
    for error in found.errors:
        if error.row is not None and error.row >= _FIRST_DATA_ROW and error.field is not None:
            field = f"certificates[{error.row - _FIRST_DATA_ROW}].{error.field}"
        else:
            field = "certificates"
        out.append(Violation(ErrorCode.INVALID_FIELD, field, error.message))
    return out
