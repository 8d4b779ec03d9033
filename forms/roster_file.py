"""花名册 import: the roster of an opening application read from an .xlsx or .csv file.

The table reading underneath (first sheet or CSV, header matched by known spellings, rows numbered
as Excel shows them, numbers turned into text) is shared with other imports: ``read_table``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from domain.errors import ErrorCode, Violation
from domain.records import Trainee

_FLOAT_EXACT = 2**53  # integral floats below this came from an integer cell without loss
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
_AS_TEXT = "请把该列设置为「文本」格式后重新录入"
_FIRST_DATA_ROW = 2  # row 1 is the header


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A column of an import: its field, its names (canonical Chinese first, compared case-insensitively)."""

    field: str
    names: tuple[str, ...]
    required: bool = True  # the header must have it and every row a value in it
    long_number: bool = False  # digits that a number cell loses (ID numbers): text only, X upper-cased


@dataclass(frozen=True, slots=True)
class RosterRowError:
    """A problem of the file: ``row`` as Excel numbers it (1 = header, None = whole file) and the column."""

    row: int | None
    field: str | None
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class TableRow:
    """A data row read without error: its Excel row number and the text of each column ("" if absent)."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class TableRead:
    """The rows read without error, every problem found in the file, and each found column's header."""

    rows: tuple[TableRow, ...]
    errors: tuple[RosterRowError, ...]
    headers: dict[str, str] = field(default_factory=dict)  # field → the header as written


@dataclass(frozen=True, slots=True)
class RosterImport:
    """Trainees of the rows read without error, and every problem found in the file."""

    trainees: tuple[Trainee, ...]
    errors: tuple[RosterRowError, ...]

    @property
    def ok(self) -> bool:
        """True when every row was read."""
        return not self.errors


# The roster's columns (004 attachment 2: 姓名, 身份证号, 联系电话, 人员类别).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number"),
    "phone": ("联系电话", "手机号", "手机号码", "phone"),
    "group": ("人员类别", "group"),
}
ROSTER_COLUMNS = tuple(
    TableColumn(field, names, long_number=field == "id_number") for field, names in COLUMNS.items()
)


class TableUnreadable(Exception):
    """The file cannot be read as a table at all; the message says what to do, in Chinese."""


def _file_error(message: str) -> TableRead:
    """A file refused as a whole."""
    return TableRead((), (RosterRowError(None, None, None, message),))


def _header_hint(columns: Sequence[TableColumn]) -> str:
    return "第1行须为表头：" + "、".join(c.names[0] for c in columns if c.required)


def _header_name(cell: object) -> str:
    """A header cell as compared with the known column names."""
    return "" if cell is None else str(cell).strip().strip("*＊").strip().lower()


def _columns(
    header: Sequence[object], columns: Sequence[TableColumn]
) -> tuple[dict[str, tuple[int, str]], list[RosterRowError]]:
    """Position and written name of each known column in the header row, and missing or doubled ones."""
    found: dict[str, tuple[int, str]] = {}
    errors: list[RosterRowError] = []
    for index, cell in enumerate(header):
        name = _header_name(cell)
        for column in columns:
            if name not in {n.lower() for n in column.names}:
                continue
            written = str(cell).strip()
            if column.field in found:
                message = f"表头「{written}」与「{found[column.field][1]}」是同一列，请只保留一列"
                errors.append(RosterRowError(1, column.field, written, message))
            else:
                found[column.field] = (index, written)
    for column in columns:
        if column.required and column.field not in found:
            message = f"表头缺少「{column.names[0]}」列（{_header_hint(columns)}）"
            errors.append(RosterRowError(1, column.field, column.names[0], message))
    return found, errors


def _cell_text(value: object, column: TableColumn) -> tuple[str, str | None]:
    """A cell as text, or the reason it cannot be read (Excel keeps long numbers as imprecise floats)."""
    if value is None:
        return "", None
    if isinstance(value, float):
        if column.long_number:
            return "", f"是数字格式，{column.names[0]}的末几位已丢失；{_AS_TEXT}"
        if value.is_integer() and abs(value) < _FLOAT_EXACT:
            return str(int(value)), None
        return "", f"是小数格式；{_AS_TEXT}"
    text = str(value).strip()
    if column.long_number:
        if _SCIENTIFIC.fullmatch(text):
            return "", f"是科学计数法（{text}），{column.names[0]}已丢失；{_AS_TEXT}"
        text = text.upper()  # the check digit X is often typed in lower case
    return text, None


def _blank(row: Sequence[object]) -> bool:
    """True for a row with nothing in it."""
    return all(cell is None or str(cell).strip() == "" for cell in row)


def read_table(
    rows: Iterable[Sequence[object]],
    columns: Sequence[TableColumn],
    *,
    what: str,
    item: str,
    on_row: Callable[[int], None] | None = None,
) -> TableRead:
    """Read a table: a header row, then one record a row; blank rows are skipped.

    ``what`` names the file in messages (花名册), ``item`` its records (学员); ``on_row`` is told each
    data row's number as it is read (progress of a large file).
    """
    lines = iter(rows)
    header = next(lines, None)
    if header is None or _blank(header):
        return _file_error(f"{what}是空的或第1行为空（{_header_hint(columns)}）")
    found, errors = _columns(header, columns)
    if errors:
        return TableRead((), tuple(errors))
    by_field = {c.field: c for c in columns}
    read: list[TableRow] = []
    for number, row in enumerate(lines, start=_FIRST_DATA_ROW):
        if on_row is not None:
            on_row(number)
        if _blank(row):
            continue
        cells = {c.field: "" for c in columns}
        row_errors: list[RosterRowError] = []
        for name, (index, written) in found.items():
            column = by_field[name]
            text, problem = _cell_text(row[index] if index < len(row) else None, column)
            if problem is None and not text and column.required:
                problem = "为空"
            if problem is not None:
                row_errors.append(
                    RosterRowError(number, name, written, f"第{number}行「{written}」{problem}")
                )
            cells[name] = text
        if row_errors:
            errors.extend(row_errors)
        else:
            read.append(TableRow(number, cells))
    if not read and not errors:
        return _file_error(f"{what}只有表头，没有{item}")
    return TableRead(tuple(read), tuple(errors), {f: written for f, (_index, written) in found.items()})


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[tuple[Iterator[Sequence[object]], int | None]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise TableUnreadable(
            "无法读取该 Excel 文件，请另存为 .xlsx 格式（不支持旧的 .xls）后重新上传"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield sheet.iter_rows(values_only=True), sheet.max_row
    finally:
        workbook.close()


@contextmanager
def _csv_rows(path: Path) -> Iterator[tuple[Iterator[Sequence[object]], int | None]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise TableUnreadable("无法识别该 CSV 文件的编码，请另存为 UTF-8 编码的 CSV 后重新上传") from exc
    lines = text.count("\n") + (not text.endswith("\n"))  # a quoted cell may span lines: about right
    yield csv.reader(io.StringIO(text, newline="")), lines


Rows = AbstractContextManager[tuple[Iterator[Sequence[object]], int | None]]


def table_rows(path: Path) -> Rows:
    """The rows of an .xlsx file's first sheet, or of a .csv file, and how many rows there are if known.

    A CSV file is UTF-8 (with or without BOM) or GB18030 (what Chinese Excel saves as GBK). Used as
    ``with table_rows(path) as (rows, total): ...``; entering raises TableUnreadable for a file that
    cannot be read, the call a ValueError for another suffix.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    if suffix == ".csv":
        return _csv_rows(path)
    raise ValueError(f"只支持 .xlsx 或 .csv 文件，收到的是 {path.name}")


def _roster(table: TableRead) -> RosterImport:
    trainees = tuple(Trainee(**row.cells) for row in table.rows)
    return RosterImport(trainees, table.errors)


def roster_from_rows(rows: Iterable[Sequence[object]]) -> RosterImport:
    """Read a roster from table rows: a header row, then one trainee a row; blank rows are skipped."""
    return _roster(read_table(rows, ROSTER_COLUMNS, what="花名册", item="学员"))


def _read_file(opened: Rows) -> RosterImport:
    try:
        with opened as (rows, _total):
            return roster_from_rows(rows)
    except TableUnreadable as unreadable:
        return _roster(_file_error(str(unreadable)))


def read_xlsx(path: Path) -> RosterImport:
    """Read the roster from the first sheet of an Excel .xlsx file."""
    return _read_file(_xlsx_rows(path))


def read_csv(path: Path) -> RosterImport:
    """Read the roster from a .csv file in UTF-8 (with or without BOM) or GB18030 (what Excel saves as GBK)."""
    return _read_file(_csv_rows(path))


def read_roster(path: Path) -> RosterImport:
    """Read a roster file, choosing the reader by its suffix (.xlsx or .csv)."""
    if path.suffix.lower() not in {".xlsx", ".csv"}:
        raise ValueError(f"花名册只支持 .xlsx 或 .csv 文件，收到的是 {path.name}")
    return _read_file(table_rows(path))


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
