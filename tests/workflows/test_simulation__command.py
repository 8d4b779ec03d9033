"""`subsidyflow simulate`: both variants played, the side-by-side report written (XLSX, PDF), histories replayed."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app


def test_simulate_writes_the_comparison_and_every_case_replays(tmp_path: Path) -> None:
    proposed = tmp_path / "proposed"
    proposed.mkdir()
    (proposed / "policy.yaml").write_text("claim_review_days: 5\nperformance_pct: 30\n", encoding="utf-8")
    out = tmp_path / "report"
    answer = CliRunner().invoke(app, ["simulate", "--cases", "8", "--seed", "11", "--workers", "1",
                                      "--proposed", str(proposed), "--quota-pct", "60", "--late", "0.9",
                                      "--out", str(out), "--replay"])  # fmt: skip
    assert answer.exit_code == 0, answer.output
    assert "重放核对：16 个案件，全部通过" in answer.output
    sheet = load_workbook(out / "simulation.xlsx")["对比"]
    rows = {
        (str(r[0]), str(r[1])): (str(r[2]), str(r[3])) for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows[("总量", "案件数")] == ("8", "8")
    assert sheet.cell(row=2, column=3).data_type == "n"  # a number a spreadsheet can sum, not text
    current, proposed_refused = rows[("申请被拒（按错误码）", "超出计划名额（quota_exceeded）")]
    assert int(current) == 0 < int(proposed_refused)  # a plan cut to 60 % refuses applications
    paid_now, paid_then = rows[("金额（万元）", "实际拨付")]
    assert float(paid_then) < float(paid_now)
    assert (out / "simulation.pdf").read_bytes().startswith(b"%PDF")
    cases = list(
        load_workbook(out / "simulation.xlsx")["案件-现行方案"].iter_rows(min_row=2, values_only=True)
    )
    assert {row[3] for row in cases} <= {"培训机构", "企业", "个人"}  # as the application form titles them
    assert "已拨付" in {row[4] for row in cases} and "paid" not in {row[4] for row in cases}


def test_a_proposed_directory_without_a_policy_is_refused(tmp_path: Path) -> None:
    answer = CliRunner().invoke(app, ["simulate", "--cases", "2", "--proposed", str(tmp_path)])
    assert answer.exit_code == 2
    assert "policy.yaml" in answer.output


def test_a_proposed_directory_with_models_judges_the_proposed_variant_by_them(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "bpmn"
    proposed = tmp_path / "proposed"
    for folder in ("processes", "decisions"):
        shutil.copytree(shipped / folder, proposed / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (proposed / "policy.yaml").write_text("claim_review_days: 1\n", encoding="utf-8")
    out = tmp_path / "report"
    answer = CliRunner().invoke(app, ["simulate", "--cases", "4", "--seed", "3", "--workers", "1",
                                      "--proposed", str(proposed), "--out", str(out), "--replay"])  # fmt: skip
    assert answer.exit_code == 0, answer.output
    rows = {(str(r[0]), str(r[1])): (str(r[2]), str(r[3]))
            for r in load_workbook(out / "simulation.xlsx")["对比"].iter_rows(min_row=2, values_only=True)}  # fmt: skip
    now, then = rows[("时限超期", "补贴审核超时")]
    assert int(then) > int(now)  # one working day for the claim review: late reviews breach it


def test_a_year_no_date_can_have_is_refused_as_uncovered() -> None:
    for year in ("-5", "0", "10000", "99999999999999999999"):
        answer = CliRunner().invoke(app, ["simulate", "--cases", "2", "--workers", "1", "--year", year])
        assert answer.exit_code == 2, answer.output
        assert f"{year} 年没有官方日历数据" in answer.output and "Traceback" not in answer.output


def test_report_directories_are_checked_before_any_case_is_played(tmp_path: Path) -> None:
    taken = tmp_path / "afile"
    taken.write_text("x", encoding="utf-8")
    for option, where, reason in (
        ("--out", taken, "已存在同名文件"),
        ("--export", taken / "sub", "路径中有一段不是目录"),
    ):
        answer = CliRunner().invoke(app, ["simulate", "--cases", "2", "--workers", "1", option, str(where)])
        assert answer.exit_code == 2, answer.output
        assert f"{option} 目录 {where} 无法写入（{reason}）" in answer.output
        assert "现行方案" not in answer.output  # refused before the year was played


def test_a_missing_policy_file_is_named_by_its_option(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    answer = CliRunner().invoke(app, ["simulate", "--cases", "2", "--policy", str(missing)])
    assert answer.exit_code == 2
    assert f"--policy 给出的策略文件不存在：{missing}" in answer.output
