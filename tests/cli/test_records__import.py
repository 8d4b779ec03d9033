"""`subsidyflow records import FILE`: earlier trainings from the provincial system (002 / 004)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.main import app
from domain.idnumber import check_digit
from forms.roster_file import table_rows
from store.db import make_engine
from store.tables import TrainingRecord
from store.training_records import import_training_records

HEADER = ("序号", "姓名", "身份证号", "年度", "职业(工种)", "等级", "培训机构", "来源")
ZHAO = "410881199503020118"
QIAN = "41088119950302109X"  # a check letter X
SUN = "410881199503020134"


def _id(first17: str) -> str:
    return first17 + check_digit(first17)


def _xlsx(path: Path, *rows: tuple[object, ...]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


GOOD_ROWS: tuple[tuple[object, ...], ...] = (
    HEADER,
    (1, "赵一", ZHAO, 2024, "焊工", "初级工", "济源技师学院", "河南省职业技能提升平台"),
    (2, "钱二", QIAN.lower(), "2023年", "电工", None, None, None),
    (3, "孙三", SUN, 2025.0, "育婴员", "中级工", "济源职业技术学院", ""),
    (4, "赵一", ZHAO, 2024, "焊工", "初级工", "济源技师学院", "重复的一行"),  # same record twice
)


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'subsidyflow.db'}"
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", url)
    return url


def _import(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["records", "import", str(path), *args])
    return result.exit_code, result.stdout


def _records(url: str) -> list[tuple[str, int, str, str]]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(TrainingRecord).order_by(col(TrainingRecord.id_number))).all()
        out = [(r.id_number, r.year, r.occupation, r.source) for r in rows]
    engine.dispose()
    return out


def test_an_xlsx_export_is_imported(tmp_path: Path, db_url: str) -> None:
    code, out = _import(_xlsx(tmp_path / "省平台导出.xlsx", *GOOD_ROWS))
    assert code == 0, out
    assert "读取 4 行：新增 3 条培训记录，1 条已存在" in out
    assert _records(db_url) == [
        (ZHAO, 2024, "焊工", "河南省职业技能提升平台"),
        (SUN, 2025, "育婴员", "导入 省平台导出.xlsx"),  # the file named as the source
        (QIAN, 2023, "电工", "导入 省平台导出.xlsx"),  # x written as X
    ]


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path, db_url: str) -> None:
    path = _xlsx(tmp_path / "export.xlsx", *GOOD_ROWS)
    assert _import(path)[0] == 0
    before = _records(db_url)
    code, out = _import(path)
    assert code == 0
    assert "新增 0 条培训记录，4 条已存在" in out
    assert _records(db_url) == before


def test_a_csv_export_with_its_own_source(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "export.csv"
    text = f"姓名,身份证号,年度,职业（工种）\r\n赵一,{ZHAO},2022,焊工\r\n\r\n孙三,{SUN},2022,焊工\r\n"
    path.write_bytes(text.encode("gb18030"))
    code, out = _import(path, "--source", "省平台2024年导出")
    assert code == 0, out
    assert _records(db_url) == [
        (ZHAO, 2022, "焊工", "省平台2024年导出"),
        (SUN, 2022, "焊工", "省平台2024年导出"),
    ]


def test_a_later_file_adds_only_what_is_new(tmp_path: Path, db_url: str) -> None:
    first = tmp_path / "a.csv"
    first.write_text(f"姓名,身份证号,年度,职业(工种)\n赵一,{ZHAO},2022,焊工\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text(
        f"姓名,身份证号,年度,职业(工种)\n赵一,{ZHAO},2022,焊工\n赵一,{ZHAO},2023,焊工\n赵一,{ZHAO},2022,电工\n",
        encoding="utf-8",
    )
    assert _import(first)[0] == 0
    code, out = _import(second)
    assert code == 0
    assert "新增 2 条培训记录，1 条已存在" in out
    assert sorted((y, o) for _, y, o, _ in _records(db_url)) == [
        (2022, "焊工"),
        (2022, "电工"),
        (2023, "焊工"),
    ]


def test_bad_rows_are_named_and_nothing_is_written(tmp_path: Path, db_url: str) -> None:
    path = _xlsx(
        tmp_path / "bad.xlsx",
        HEADER,
        (1, "赵一", ZHAO, 2024, "焊工"),  # good, but not written: the file has bad rows
        (2, "钱二", "410881199503020127", 2024, "焊工"),  # wrong check digit
        (3, "孙三", SUN, "二〇二四", "焊工"),  # not a year
        (4, "李四", _id("41088120200101001"), 2019, None),  # before birth; no occupation
        (5, "周五", 4.10881199503020e17, 2031, "焊工"),  # a number cell; a future year
    )
    code, out = _import(path)
    assert code == 1
    assert _records(db_url) == []
    lines = [line for line in out.splitlines() if line.startswith("第")]
    assert lines == [
        "第3行「身份证号」有误：身份证号校验码不正确，请核对后重新填写",
        "第4行「年度」“二〇二四”不是年份，请填写4位数字年份，例如 2024",
        "第5行「职业(工种)」为空",
        "第6行「身份证号」是数字格式，身份证号的末几位已丢失；请把该列设置为「文本」格式后重新录入",
    ]
    assert "未写入任何记录" in out
    assert "共 4 处问题" in out


def test_year_checks_need_a_readable_row(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "years.csv"
    born_2020 = _id("41088120200101001")
    path.write_text(
        f"姓名,身份证号,年度,职业(工种)\n李四,{born_2020},2019,焊工\n周五,{ZHAO},2999,焊工\n",
        encoding="utf-8",
    )
    code, out = _import(path)
    assert code == 1
    assert "第2行「年度」2019 年早于身份证号中的出生年份 2020 年，请核对" in out
    assert "第3行「年度」2999 年晚于今年" in out
    assert _records(db_url) == []


def test_missing_columns_are_named_on_the_header(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "cols.csv"
    path.write_text(f"姓名,身份证号,职业\n赵一,{ZHAO},焊工\n", encoding="utf-8")
    code, out = _import(path)
    assert code == 1
    assert "表头缺少「年度」列（第1行须为表头：姓名、身份证号、年度、职业(工种)）" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "培训记录文件是空的或第1行为空"),
        ("header.csv", "姓名,身份证号,年度,职业(工种)\n".encode(), "培训记录文件只有表头，没有培训记录"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0 an old .xls file", "另存为 .xlsx"),
        ("odd.csv", b"\xff\xfe\x00\x80", "无法识别该 CSV 文件的编码"),
    ],
)
def test_an_unreadable_file_is_one_error(
    tmp_path: Path, db_url: str, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out = _import(path)
    assert code == 1
    assert message in out


def test_a_missing_file_or_another_suffix_exits_2(tmp_path: Path, db_url: str) -> None:
    result = CliRunner().invoke(app, ["records", "import", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2
    assert "没有这个文件" in result.stderr
    other = tmp_path / "export.xls"
    other.write_bytes(b"x")
    result = CliRunner().invoke(app, ["records", "import", str(other)])
    assert result.exit_code == 2
    assert "只支持 .xlsx 或 .csv" in result.stderr


def test_the_importer_reports_progress_and_leaves_the_commit_to_the_caller(
    tmp_path: Path, sqlite_db: Engine
) -> None:
    rows = [f"赵{i},{_id(f'410881199001{i % 28 + 1:02d}{i:03d}')},2020,焊工" for i in range(1, 301)]
    path = tmp_path / "big.csv"
    path.write_text("姓名,身份证号,年度,职业(工种)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    seen: list[tuple[int, int | None]] = []
    with Session(sqlite_db) as session:
        result = import_training_records(
            session, path, today=date(2026, 11, 2), progress=lambda n, t: seen.append((n, t))
        )
        assert (result.ok, result.rows, result.added, result.skipped) == (True, 300, 300, 0)
        session.rollback()
    assert seen[0] == (1, 300)  # the CSV's line count, the header left out, is the total
    assert seen[-1][0] == 300
    with Session(sqlite_db) as session:
        assert session.exec(select(TrainingRecord)).all() == []  # rolled back: nothing was committed


def test_the_shared_reader_refuses_another_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"只支持 \.xlsx 或 \.csv"):
        table_rows(tmp_path / "export.xls")
