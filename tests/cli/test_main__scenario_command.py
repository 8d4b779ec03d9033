"""`subsidyflow scenario run`: the contract's exit codes and output shapes (scenarios/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_a_missing_path_exits_2() -> None:
    assert _run("/nonexistent/scenario.yaml")[0] == 2
