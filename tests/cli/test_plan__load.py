"""`subsidyflow plan load FILE` / `plan progress`: the bureau's yearly plan (004 attachment 1: 培训计划表, 任务分配)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.main import app
from store.db import make_engine
from store.migrate import upgrade
from store.tables import CaseRow, DeploymentRow, PlanLineRow

HEADER = ("年度", "培训机构", "项目类型", "计划人数")
SCHOOL = "济源技师学院"
CENTRE = "济源市劳动就业培训中心"
GOOD_ROWS: tuple[tuple[object, ...], ...] = (
    HEADER,
    (2026, SCHOOL, "技能提升", 120),
    (2026, SCHOOL, None, 200),  # untyped: every class of the school
    ("2026年", CENTRE, "岗前培训", "80人"),
    (2025.0, SCHOOL, "技能提升", 90),
)
Line = tuple[int, str, str | None, int]


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'subsidyflow.db'}"
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", url)
    return url


def _xlsx(path: Path, *rows: tuple[object, ...]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["plan", *args])
    return result.exit_code, result.stdout


def _lines(url: str) -> list[Line]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(PlanLineRow).order_by(col(PlanLineRow.id))).all()
        out = [(r.year, r.institution, r.project_type, r.quota) for r in rows]
    engine.dispose()
    return out


LOADED: list[Line] = [
    (2026, SCHOOL, "技能提升", 120),
    (2026, SCHOOL, None, 200),
    (2026, CENTRE, "岗前培训", 80),
    (2025, SCHOOL, "技能提升", 90),
]


def test_an_xlsx_plan_is_loaded_and_loading_it_again_changes_nothing(tmp_path: Path, db_url: str) -> None:
    file = _xlsx(tmp_path / "2026年培训计划表.xlsx", *GOOD_ROWS)
    code, out = _run("load", str(file))
    assert code == 0, out
    assert "读取 4 行计划：新增 4 条，调整计划人数 0 条，0 条与已有计划相同" in out
    assert _lines(db_url) == LOADED
    code, out = _run("load", str(file))
    assert code == 0, out
    assert "新增 0 条，调整计划人数 0 条，4 条与已有计划相同未改变" in out
    assert _lines(db_url) == LOADED


def test_a_new_quota_replaces_the_line_of_the_same_year_institution_and_type(
    tmp_path: Path, db_url: str
) -> None:
    _run("load", str(_xlsx(tmp_path / "a.xlsx", *GOOD_ROWS)))
    code, out = _run("load", str(_xlsx(tmp_path / "b.xlsx", HEADER, (2026, SCHOOL, "技能提升", 150))))
    assert code == 0, out
    assert "新增 0 条，调整计划人数 1 条" in out
    assert _lines(db_url) == [LOADED[0][:3] + (150,), *LOADED[1:]]  # the other lines are kept


def test_a_gbk_csv_with_an_enterprise_column_and_no_type_column(tmp_path: Path, db_url: str) -> None:
    file = tmp_path / "plan.csv"
    file.write_bytes("年度,企业,计划人数\n2026,济源示例钢铁有限公司,40\n".encode("gb18030"))
    code, out = _run("load", str(file))
    assert code == 0, out
    assert _lines(db_url) == [(2026, "济源示例钢铁有限公司", None, 40)]


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(tmp_path: Path, db_url: str) -> None:
    file = _xlsx(
        tmp_path / "bad.xlsx",
        HEADER,
        (2026, SCHOOL, "技能提升", 120),  # a good row: not written either
        ("明年", CENTRE, None, -5),
        (2026, None, None, "十"),
        (2026, SCHOOL, "技能提升", 100),  # the same line as row 2
        (2026, CENTRE, None, 1.5),
        (2026, "机" * 201, "型" * 51, 3),
    )
    code, out = _run("load", str(file))
    assert code == 1
    for text in (
        "第3行「年度」“明年”不是年份",
        "第3行「计划人数」“-5”不是人数，请填写0或正整数",
        "第4行「培训机构」为空",
        "第5行「培训机构」与第2行重复：2026 年“济源技师学院”“技能提升”只能有一行计划人数，请合并为一行",
        "第6行「计划人数」是小数格式",
        "第7行「培训机构」超过200个字",
        "第7行「项目类型」超过50个字",
        "共 7 处问题",
    ):
        assert text in out, (text, out)
    assert (
        out.index("第3行") < out.index("第4行") < out.index("第5行") < out.index("第6行") < out.index("第7行")
    )
    assert _lines(db_url) == []


def test_a_missing_column_and_a_wrong_file_are_refused(tmp_path: Path, db_url: str) -> None:
    code, out = _run("load", str(_xlsx(tmp_path / "no_quota.xlsx", ("年度", "培训机构"), (2026, SCHOOL))))
    assert code == 1
    assert "表头缺少「计划人数」列" in out
    (tmp_path / "plan.txt").write_text("x", encoding="utf-8")
    assert _run("load", str(tmp_path / "plan.txt"))[0] == 2
    assert _run("load", str(tmp_path / "absent.xlsx"))[0] == 2
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    code, out = _run("load", str(tmp_path / "broken.xlsx"))
    assert code == 1
    assert "另存为 .xlsx 格式" in out
    assert _lines(db_url) == []


def _class(url: str, planned: int, status: str, project_type: str | None) -> None:
    engine = make_engine(url)
    upgrade(engine)
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with Session(engine) as session:
        if session.get(DeploymentRow, "d" * 64) is None:
            session.add(DeploymentRow(id="d" * 64, policy={}, created_at=at))
            session.flush()
        session.add(CaseRow(
            label="c", deployment_id="d" * 64, process_id="p", applicant="a", institution=SCHOOL,
            occupation="焊工", level="中级工", batch="b", start_date=date(2026, 3, 9), end_date=date(2026, 4, 9),
            planned_count=planned, status=status, project_type=project_type, snapshot="{}", digest="x",
            created_at=at, updated_at=at,
        ))  # fmt: skip
        session.commit()
    engine.dispose()


def test_progress_by_institution_and_type(tmp_path: Path, db_url: str) -> None:
    _run("load", str(_xlsx(tmp_path / "a.xlsx", *GOOD_ROWS)))
    _class(db_url, 50, "training", "技能提升")
    _class(db_url, 30, "opening_review", None)
    _class(db_url, 45, "rejected", "技能提升")  # gives its places back
    code, out = _run("progress", "--year", "2026")
    assert code == 0, out
    rows = [line.split("│") for line in out.splitlines() if "│" in line]
    cells = [[c.strip() for c in row[1:-1]] for row in rows]
    assert ["济源技师学院", "技能提升", "120", "50", "70"] in cells
    assert ["济源技师学院", "（不分类型）", "200", "80", "120"] in cells  # an untyped line takes every class
    assert ["济源市劳动就业培训中心", "岗前培训", "80", "0", "80"] in cells
    code, out = _run("progress", "--year", "2026", "--institution", CENTRE)
    assert code == 0
    assert CENTRE in out
    assert SCHOOL not in out
    code, out = _run("progress", "--year", "2024")
    assert code == 0
    assert "2024 年没有培训计划" in out


def test_an_overrun_line_shows_what_is_over(tmp_path: Path, db_url: str) -> None:
    _run("load", str(_xlsx(tmp_path / "a.xlsx", HEADER, (2026, SCHOOL, None, 20))))
    _class(db_url, 30, "training", None)
    code, out = _run("progress", "--year", "2026", "--institution", SCHOOL)
    assert code == 0
    assert "-10（超出）" in out
