"""花名册 import: the roster of an opening application read from an .xlsx or .csv file."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ErrorCode, Violation
from domain.records import Trainee

# Canonical Chinese column name first; the rest are accepted spellings (compared case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number"),
    "phone": ("联系电话", "手机号", "手机号码", "phone"),
    "group": ("人员类别", "group"),
}
_HEADER_HINT = "第1行须为表头：" + "、".join(names[0] for names in COLUMNS.values())
_FLOAT_EXACT = 2**53  # integral floats below this came from an integer cell without loss
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
_AS_TEXT = "请把该列设置为「文本」格式后重新录入"
_FIRST_DATA_ROW = 2  # row 1 is the header


@dataclass(frozen=True, slots=True)
class RosterRowError:
    """A problem of the file: ``row`` as Excel numbers it (1 = header, None = whole file) and the column."""

    row: int | None
    field: str | None
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class RosterImport:
    """Trainees of the rows read without error, and every problem found in the file."""

    trainees: tuple[Trainee, ...]
    errors: tuple[RosterRowError, ...]

    @property
    def ok(self) -> bool:
        """True when every row was read."""
        return not self.errors


def _file_error(message: str) -> RosterImport:
    """An import refused as a whole."""
    return RosterImport((), (RosterRowError(None, None, None, message),))


def _header_name(cell: object) -> str:
    """A header cell as compared with the known column names."""
    return "" if cell is None else str(cell).strip().strip("*＊").strip().lower()


def _columns(header: Sequence[object]) -> tuple[dict[str, tuple[int, str]], list[RosterRowError]]:
    """Position and written name of each known column in the header row, and missing or doubled ones."""
    found: dict[str, tuple[int, str]] = {}
    errors: list[RosterRowError] = []
    for index, cell in enumerate(header):
        name = _header_name(cell)
        for field, names in COLUMNS.items():
            if name not in {n.lower() for n in names}:
                continue
            written = str(cell).strip()
            if field in found:
                message = f"表头「{written}」与「{found[field][1]}」是同一列，请只保留一列"
                errors.append(RosterRowError(1, field, written, message))
            else:
                found[field] = (index, written)
    for field, names in COLUMNS.items():
        if field not in found:
            message = f"表头缺少「{names[0]}」列（{_HEADER_HINT}）"
            errors.append(RosterRowError(1, field, names[0], message))
    return found, errors


def _cell_text(value: object, field: str) -> tuple[str, str | None]:
    """A cell as text, or the reason it cannot be read (Excel keeps long numbers as imprecise floats)."""
    if value is None:
        return "", None
    if isinstance(value, float):
        if field == "id_number":
            return "", f"是数字格式，身份证号的末几位已丢失；{_AS_TEXT}"
        if value.is_integer() and abs(value) < _FLOAT_EXACT:
            return str(int(value)), None
        return "", f"是小数格式；{_AS_TEXT}"
    text = str(value).strip()
    if field == "id_number":
        if _SCIENTIFIC.fullmatch(text):
            return "", f"是科学计数法（{text}），身份证号已丢失；{_AS_TEXT}"
        text = text.upper()  # the check digit X is often typed in lower case
    return text, None


def _blank(row: Sequence[object]) -> bool:
    """True for a row with nothing in it."""
    return all(cell is None or str(cell).strip() == "" for cell in row)


def roster_from_rows(rows: Iterable[Sequence[object]]) -> RosterImport:
    """Read a roster from table rows: a header row, then one trainee a row; blank rows are skipped."""
    lines = iter(rows)
    header = next(lines, None)
    if header is None or _blank(header):
        return _file_error(f"花名册是空的或第1行为空（{_HEADER_HINT}）")
    columns, errors = _columns(header)
    if errors:
        return RosterImport((), tuple(errors))
    trainees: list[Trainee] = []
    for number, row in enumerate(lines, start=_FIRST_DATA_ROW):
        if _blank(row):
            continue
        cells: dict[str, str] = {}
        row_errors: list[RosterRowError] = []
        for field, (index, written) in columns.items():
            text, problem = _cell_text(row[index] if index < len(row) else None, field)
            if problem is None and not text:
                problem = "为空"
            if problem is not None:
                row_errors.append(
                    RosterRowError(number, field, written, f"第{number}行「{written}」{problem}")
                )
            cells[field] = text
        if row_errors:
            errors.extend(row_errors)
        else:
            trainees.append(Trainee(**cells))
    if not trainees and not errors:
        return _file_error("花名册只有表头，没有学员")
    return RosterImport(tuple(trainees), tuple(errors))


def read_xlsx(path: Path) -> RosterImport:
    """Read the roster from the first sheet of an Excel .xlsx file."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError):
        return _file_error("无法读取该 Excel 文件，请另存为 .xlsx 格式（不支持旧的 .xls）后重新上传")
    try:
        return roster_from_rows(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def read_csv(path: Path) -> RosterImport:
    """Read the roster from a .csv file in UTF-8 (with or without BOM) or GB18030 (what Excel saves as GBK)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            return _file_error("无法识别该 CSV 文件的编码，请另存为 UTF-8 编码的 CSV 后重新上传")
    return roster_from_rows(csv.reader(io.StringIO(text, newline="")))


def read_roster(path: Path) -> RosterImport:
    """Read a roster file, choosing the reader by its suffix (.xlsx or .csv)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    raise ValueError(f"花名册只支持 .xlsx 或 .csv 文件，收到的是 {path.name}")


def to_violations(roster_import: RosterImport) -> list[Violation]:
    """The import's problems as invalid_field violations; a data row N is ``roster[N-2].<field>``."""
    out: list[Violation] = []
    for error in roster_import.errors:
        if error.row is not None and error.row >= _FIRST_DATA_ROW and error.field is not None:
            field = f"roster[{error.row - _FIRST_DATA_ROW}].{error.field}"
        else:
            field = "roster"
        out.append(Violation(ErrorCode.INVALID_FIELD, field, error.message))
    return out
