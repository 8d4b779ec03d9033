"""Earlier subsidised trainings imported from the provincial system's export (.xlsx or .csv).

002: 培训补贴每人每年只能享受1次; 004: 学员年度内不得重复培训; 000: no repeat of the same occupation.
These rules need the trainings a person had before this system: the province exports them as a table
(姓名, 身份证号, 年度, 职业(工种), optional 等级, 培训机构, 来源) and ``import_training_records`` puts
them into ``training_record``.

All or nothing: one bad row (ID number, year, occupation) and nothing is written; every problem is
named by row and column. Importing a file again changes nothing: a record of the same person, year
and occupation that is already there (or earlier in the file) is skipped, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, col, select

from domain.idnumber import id_number_problem, normalize_id_number
from forms.roster_file import (
    RosterRowError,
    TableColumn,
    TableRead,
    TableRow,
    TableUnreadable,
    read_table,
    table_rows,
)
from store import personal
from store.tables import TrainingRecord

RECORD_COLUMNS = (
    TableColumn("name", ("姓名", "name")),
    TableColumn("id_number", ("身份证号", "身份证号码", "公民身份号码", "id_number"), long_number=True),
    TableColumn("year", ("年度", "培训年度", "year")),
    TableColumn("occupation", ("职业(工种)", "职业（工种）", "职业", "工种", "occupation")),
    TableColumn("level", ("等级", "级别", "level"), required=False),
    TableColumn("institution", ("培训机构", "institution"), required=False),
    TableColumn("source", ("来源", "source"), required=False),
)
_OCCUPATION_MAX = 100  # training_record.occupation
_YEAR_DIGITS = 4
_CHUNK = 500  # ID numbers per look-up of records already there

Key = tuple[str, int, str]  # id_number, year, occupation
Progress = Callable[[int, int | None], None]  # (rows read, rows in the file if known)


@dataclass(frozen=True, slots=True)
class RecordsImport:
    """What an import did: rows read, records added, records skipped as already there, or the problems."""

    rows: int
    added: int
    skipped: int
    errors: tuple[RosterRowError, ...]

    @property
    def ok(self) -> bool:
        """True when the file was read without problems (and so written)."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class _Record:
    key: Key
    source: str


def _year(text: str) -> int | None:
    """A training year written as 2024 or 2024年, else None."""
    digits = text.removesuffix("年").strip()
    if len(digits) != _YEAR_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


def _row_record(
    row: TableRow, headers: dict[str, str], *, today: date, source: str
) -> tuple[_Record | None, list[RosterRowError]]:
    """The record of a data row, or what is wrong with it, each problem by row and column."""
    n = row.number
    errors: list[RosterRowError] = []

    def problem(field: str, message: str) -> None:
        column = headers[field]
        errors.append(RosterRowError(n, field, column, f"第{n}行「{column}」{message}"))

    cells = row.cells
    id_problem = id_number_problem(cells["id_number"], today=today)
    number = normalize_id_number(cells["id_number"])
    if id_problem is not None:
        problem("id_number", f"有误：{id_problem}")
    year = _year(cells["year"])
    if year is None:
        problem("year", f"“{cells['year']}”不是年份，请填写4位数字年份，例如 2024")
    elif year > today.year:
        problem("year", f"{year} 年晚于今年（{today.year} 年），往年培训记录的年度不能在将来")
    elif id_problem is None and year < int(number[6:10]):
        problem("year", f"{year} 年早于身份证号中的出生年份 {number[6:10]} 年，请核对")
    occupation = cells["occupation"]
    if len(occupation) > _OCCUPATION_MAX:
        problem("occupation", f"超过{_OCCUPATION_MAX}个字，请填写职业（工种）名称")
    if errors or year is None:
        return None, errors
    return _Record((number, year, occupation), cells["source"] or source), []


def _check_records(
    table: TableRead, *, today: date, source: str
) -> tuple[list[_Record], list[RosterRowError]]:
    """The records of the rows read, and every problem of the file and its rows, in row order."""
    records: list[_Record] = []
    errors = list(table.errors)
    for row in table.rows:
        record, row_errors = _row_record(row, table.headers, today=today, source=source)
        errors.extend(row_errors)
        if record is not None:
            records.append(record)
    errors.sort(key=lambda e: -1 if e.row is None else e.row)  # stable: columns keep their order
    return records, errors


def _present(session: Session, id_numbers: Iterable[str]) -> set[Key]:
    """The (id_number, year, occupation) already recorded for the given people."""
    ids = sorted(set(id_numbers))
    found: set[Key] = set()
    for start in range(0, len(ids), _CHUNK):
        stmt = select(TrainingRecord.id_number, TrainingRecord.year, TrainingRecord.occupation).where(
            col(TrainingRecord.id_number).in_(ids[start : start + _CHUNK])
        )
        found.update((i, y, o) for i, y, o in session.exec(stmt))
    return found


def import_training_records(
    session: Session,
    path: Path,
    *,
    today: date,
    source: str | None = None,
    progress: Progress | None = None,
) -> RecordsImport:
    """Read ``path`` and add its new records to the session (flushed, not committed: the caller commits).

    ``source`` is recorded for rows without a 来源 (default: 导入 <file name>); ``progress`` is told the
    rows read so far. Nothing is added when the file has any problem.
    """
    default_source = source or f"导入 {path.name}"
    try:
        with table_rows(path) as (rows, total):

            def on_row(number: int) -> None:
                if progress is not None:
                    progress(number - 1, None if total is None else max(total - 1, 0))

            table = read_table(rows, RECORD_COLUMNS, what="培训记录文件", item="培训记录", on_row=on_row)
    except TableUnreadable as unreadable:
        return RecordsImport(0, 0, 0, (RosterRowError(None, None, None, str(unreadable)),))
    records, errors = _check_records(table, today=today, source=default_source)
    unread = {e.row for e in table.errors if e.row is not None and e.row > 1}  # rows the reader refused
    read = len(table.rows) + len(unread)
    if errors:
        return RecordsImport(read, 0, 0, tuple(errors))
    seen = _present(session, (r.key[0] for r in records))
    new: list[dict[str, object]] = []
    ring = personal.keyring(session)  # look-ups go by the salted reference of the number
    for record in records:
        if record.key in seen:
            continue
        seen.add(record.key)
        id_number, year, occupation = record.key
        new.append(
            {"id_number": id_number, "year": year, "occupation": occupation, "source": record.source,
             "ref": ring.ref("id_number", id_number)}
        )  # fmt: skip
    if new:
        session.connection().execute(insert(TrainingRecord), new)
    session.flush()
    return RecordsImport(read, len(new), len(records) - len(new), ())
