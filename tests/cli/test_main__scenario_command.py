"""`subsidyflow scenario run`: the contract's exit codes and output shapes (scenarios/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples"
HAPPY = EXAMPLES / "01_happy_path.yaml"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["scenario", "run", *args])
    return result.exit_code, result.stdout


def test_one_file_prints_one_result_object_and_exits_0() -> None:
    code, out = _run(str(HAPPY), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["ok"] is True
    assert result["cases"]["main"]["status"] == "paid"


def test_a_folder_prints_a_list(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(HAPPY.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = _run(str(tmp_path), "--json")
    assert code == 0
    assert [r["ok"] for r in json.loads(out)] == [True, True]


def test_an_expectation_that_does_not_hold_exits_1_and_still_prints(tmp_path: Path) -> None:
    text = HAPPY.read_text(encoding="utf-8").replace(
        "amount_fen: 4440000\n      base_fen", "amount_fen: 1\n      base_fen"
    )
    (tmp_path / "wrong.yaml").write_text(text, encoding="utf-8")
    code, out = _run(str(tmp_path / "wrong.yaml"), "--json")
    assert code == 1
    result = json.loads(out)
    assert result["ok"] is False
    assert result["cases"]["main"]["amount_fen"] == 4440000
    assert any("amount_fen" in m for m in result["mismatches"])


def test_a_malformed_file_exits_2_naming_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: x\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - at: nope\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(bad), "--json"])
    assert result.exit_code == 2
    assert "bad.yaml:4: steps.0.at" in result.output


def test_a_folder_with_a_malformed_file_runs_the_others_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HAPPY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("not: [a scenario\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(tmp_path), "--json"])
    assert result.exit_code == 2
    listed = json.loads(result.stdout)
    assert listed[0]["ok"] is True and "malformed" in listed[1]


def test_without_json_a_table_is_shown() -> None:
    code, out = _run(str(HAPPY))
    assert code == 0
    assert "paid" in out and "44,400.00" in out


def test_without_json_every_refused_step_is_listed_with_its_code_and_field() -> None:
    code, out = _run(str(EXAMPLES / "04_bad_applications.yaml"))
    assert code == 0 and "被拒的步骤" in out
    assert "steps[0] id_number_invalid（roster[1].id_number）：第2名学员" in out.replace("\n", "")
    assert "steps[1] class_too_large（planned_count）" in out


def test_an_empty_folder_runs_nothing_and_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scenario", "run", str(tmp_path), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []  # one result per file: none
    assert "中没有 .yaml / .yml 场景文件" in result.stderr


def test_a_missing_path_exits_2() -> None:
    assert _run("/nonexistent/scenario.yaml")[0] == 2


# -- bad input ends in a coded refusal: exit 2 naming line/key for the file, a refused step for its data -----

REPO = Path(__file__).resolve().parents[2]
NESTED = "[" * 3000 + "]" * 3000


def _subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a hang fails the test (timeout) instead of hanging CI."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO, capture_output=True, text=True, timeout=20, check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"scenario: \xff bad bytes\n", "bad.yaml:1: 文件不是 UTF-8 编码"),
        (NESTED.encode(), "bad.yaml:1: 嵌套层数超过 50 层"),
        (
            f"scenario: x\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - at: 2026-03-02T09:00:00+08:00\n"
            f"    event: objection\n    data: {{x: {NESTED}}}\n".encode(),
            "bad.yaml:6: 嵌套层数超过 50 层",
        ),
    ],
)
def test_bad_bytes_and_deep_nesting_exit_2_quickly_without_a_traceback(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    done = _subprocess("scenario", "run", str(bad), "--json")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert needle in done.stderr


def _happy_with(**changes: str) -> str:
    text = HAPPY.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_generating_a_billion_trainees_is_a_refused_step_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "gen.yaml").write_text(
        _happy_with(**{"roster: {generate: 40}": "roster: {generate: 1000000000}"}), encoding="utf-8"
    )
    done = _subprocess("scenario", "run", str(tmp_path / "gen.yaml"), "--json")
    assert "Traceback" not in done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["steps"][0]["error"]["code"] == "invalid_field"
    assert result["steps"][0]["error"]["field"] == "roster"
    assert result["cases"]["main"]["status"] == "draft"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"planned_count: 40": "planned_count: 1000000000000000000000000000000"}, "invalid_field", "planned_count"),
        ({"class_hours: 160": "class_hours: 1180591620717411303424"}, "invalid_field", "class_hours"),
        ({"start_date: 2026-03-09": "start_date: 9999-12-30", "end_date: 2026-04-24": "end_date: 9999-12-31"},
         "invalid_field", "start_date"),
        ({"start_date: 2026-03-09": "start_date: 0001-01-01"}, "invalid_field", "start_date"),
        ({"start_date: 2026-03-09": '"start_date": "9999-12-30"'}, "invalid_field", "start_date"),
        ({"start_date: 2026-03-09": "start_date: 2199-01-01", "end_date: 2026-04-24": "end_date: 2199-02-01"},
         "calendar_missing", "start_date"),
    ],
)  # fmt: skip
def test_out_of_range_step_data_is_a_refused_step_and_the_case_is_unchanged(
    tmp_path: Path, change: dict[str, str], code: str, field: str
) -> None:
    (tmp_path / "s.yaml").write_text(_happy_with(**change), encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(tmp_path / "s.yaml"), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    out = json.loads(result.stdout)
    assert out["steps"][0]["error"]["code"] == code
    assert out["steps"][0]["error"]["field"] == field
    assert out["cases"]["main"]["status"] == "draft"
    assert all(not s["ok"] for s in out["steps"][1:])  # no case: nothing else could act


def test_a_folder_keeps_going_past_every_kind_of_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a_good.yaml").write_text(HAPPY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b_bytes.yaml").write_bytes(b"scenario: \xff\n")
    (tmp_path / "c_nested.yaml").write_text(NESTED, encoding="utf-8")
    (tmp_path / "d_year.yaml").write_text(_happy_with(**{"start: 2026": "start: 9999"}), encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(tmp_path), "--json"])
    assert result.exit_code == 2
    listed = json.loads(result.stdout)
    assert listed[0]["ok"] is True
    assert [("malformed" in r) for r in listed] == [False, True, True, True]
    assert "Traceback" not in result.output


def test_a_bad_operator_calendar_file_exits_2_naming_its_key(tmp_path: Path) -> None:
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text("holidays: [2027-01-01]\nworkdays: [2027-13-01]\n", encoding="utf-8")
    done = _subprocess("scenario", "run", str(HAPPY), env={"SUBSIDYFLOW_CALENDAR_FILE": str(calendar)})
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "calendar.yaml:2: workdays[0]:" in done.stderr and "YYYY-MM-DD" in done.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("holidays: [9999-01-01]\n", "calendar.yaml:1: holidays[0]: 日期 9999-01-01 的年份超出合理范围"),
        (
            "holidays: [2027-01-01]\nsurprise: []\n",
            "calendar.yaml:2: surprise: 运营日历中有无法识别的键 'surprise'",
        ),
        ("holidays: 2027-01-01\n", "calendar.yaml:1: holidays: 运营日历的 holidays 应为日期列表"),
        (NESTED, "calendar.yaml:1: 嵌套层数超过 50 层"),
    ],
)
def test_operator_calendar_files_are_checked(tmp_path: Path, content: str, needle: str) -> None:
    from cases.wiring import OperatorFileError, load_operator_calendar

    calendar = tmp_path / "calendar.yaml"
    calendar.write_text(content, encoding="utf-8")
    with pytest.raises(OperatorFileError) as refused:
        load_operator_calendar(str(calendar))
    assert needle in str(refused.value)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("claim_review_days: 15\nnotice_days: 0\n", "policy.yaml:2: notice_days: 策略参数 notice_days 必须是大于 0 的整数"),
        ("full_time_max_months: 100000000000000\n", "policy.yaml:1: full_time_max_months: 策略参数 full_time_max_months 不得大于 24"),
        ("standards: {中级工: 99999999999}\n", "policy.yaml:1: standards.中级工:"),
        ("claim_review_dayz: 15\n", "policy.yaml:1: claim_review_dayz: 未知的策略参数"),
        ("notice_days: [1\n", "policy.yaml:2: YAML 无法解析"),
    ],
)  # fmt: skip
def test_operator_policy_files_are_checked(tmp_path: Path, content: str, needle: str) -> None:
    from cases.wiring import OperatorFileError, load_operator_policy

    policy = tmp_path / "policy.yaml"
    policy.write_text(content, encoding="utf-8")
    with pytest.raises(OperatorFileError) as refused:
        load_operator_policy(str(policy))
    assert needle in str(refused.value)


def test_a_bad_operator_policy_file_stops_the_demo_with_exit_2(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("notice_days: -3\n", encoding="utf-8")
    missing = tmp_path / "nowhere.yaml"
    for path, needle in ((policy, "policy.yaml:1: notice_days:"), (missing, "文件不存在")):
        done = _subprocess(
            "demo", "--database", str(tmp_path / "demo.db"), env={"SUBSIDYFLOW_POLICY_FILE": str(path)}
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        assert needle in done.stderr


def test_the_cli_starts_without_the_web_stack_the_flows_or_the_spreadsheets() -> None:
    # the contract's "one file runs in well under 2 s" is mostly start-up: a scenario run imports none of these
    heavy = ("fastapi", "starlette", "uvicorn", "argon2", "prefect", "weasyprint", "openpyxl", "alembic")
    probe = f"import sys, cli.main; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)  # noqa: S603 - our own interpreter and a fixed probe
    assert done.stdout.strip() == "[]"
