"""A malformed scenario file is refused with its line and key (scenario contract: exit 2)."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from cli.scenario_file import (
    MAX_FIXTURES,
    MAX_GATEWAY,
    MAX_GENERATE,
    MAX_STEPS,
    ScenarioMalformed,
    generate_refusals,
    parse_scenario,
    read_scenario,
)
from forms.safe_yaml import MAX_FILE_BYTES

GOOD = """\
scenario: t
start: 2026-03-02T09:00:00+08:00
steps:
  - at: 2026-03-02T09:00:00+08:00
    actor: {user: a, role: applicant}
    task: opening_application
    data: {}
"""


def test_a_good_file_parses() -> None:
    scenario = parse_scenario(GOOD)
    assert scenario.steps[0].case == "main"
    assert scenario.steps[0].at.utcoffset() is not None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (GOOD + "  - at: 2026-03-01T09:00:00+08:00\n    event: objection\n", "步骤时间不能倒退"),
        (
            GOOD.replace("task: opening_application", "task: opening_application\n    event: objection"),
            "task 或 event",
        ),
        (GOOD.replace("    actor: {user: a, role: applicant}\n", ""), "actor"),
        (GOOD + "surprise: 1\n", "surprise"),
        (GOOD.replace("start: 2026-03-02T09:00:00+08:00", "start: 2026-03-02T09:00:00"), "时区"),
        ("- just\n- a list\n", "映射"),
        ("scenario: [unclosed\n", "YAML"),
        (GOOD + "gateway: [ok, maybe]\n", "gateway"),
        (GOOD + "policy: {claim_review_dayz: 15}\n", "policy"),
        (GOOD + "policy: {performance_pct: 10}\n", "performance_pct"),
    ],
)
def test_malformed_files_name_the_problem(text: str, needle: str) -> None:
    with pytest.raises(ScenarioMalformed, match=needle):
        parse_scenario(text, "f.yaml")


def test_the_message_names_the_line() -> None:
    bad = GOOD.replace("role: applicant", "role: applicant, extra: 1")
    with pytest.raises(ScenarioMalformed, match=r"f\.yaml:5: steps\.0\.actor\.extra"):
        parse_scenario(bad, "f.yaml")


# -- bad input of every kind ends in ScenarioMalformed naming the line, never a crash or a hang ------------

BOMB = (
    "scenario: t\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - at: 2026-03-02T09:00:00+08:00\n"
    "    event: objection\n    data:\n      a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"      a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
)


def _nested_data(depth: int) -> str:
    return (
        "scenario: t\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - at: 2026-03-02T09:00:00+08:00\n"
        f"    event: objection\n    data: {{x: {'[' * depth}{']' * depth}}}\n"
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (_nested_data(3000), r"f\.yaml:6: 嵌套层数超过 50 层"),
        ("[" * 3000 + "]" * 3000 + "\n", r"f\.yaml:1: 嵌套层数超过 50 层"),
        ("{a: " * 3000 + "1" + "}" * 3000 + "\n", r"f\.yaml:1: 嵌套层数超过 50 层"),
        (BOMB, r"f\.yaml:\d+: 内容过多：展开别名"),
        (GOOD + "x: &r [*r]\n", r"f\.yaml:8: 别名 \*r 引用了包含它自身的锚点"),
        (GOOD + "x: *nowhere\n", r"f\.yaml:8: YAML 无法解析"),
        (GOOD + "gateway: [ok, \x00]\n", r"f\.yaml:8: 含有不允许的字符"),
        (GOOD.replace("data: {}", "data: {start_date: 2026-02-30}"), r"f\.yaml:7: .*2026-02-30"),
        (GOOD.replace("data: {}", "data: {n: " + "9" * 5000 + "}"), r"f\.yaml:7: .*整数"),
        (GOOD.replace("+08:00\nsteps", "+99:00\nsteps"), r"f\.yaml:2: .*日期/时间"),
        (
            GOOD.replace("start: 2026", "start: 9999"),
            r"f\.yaml:2: start: 年份 9999 超出合理范围（1900–2200 年）",
        ),
        (GOOD.replace("  - at: 2026", "  - at: 0001"), r"f\.yaml:4: steps\.0\.at: 年份 1 超出合理范围"),
        (GOOD + "end: 2201-01-01T00:00:00+08:00\n", r"f\.yaml:8: end: 年份 2201"),
        (
            GOOD + "calendar: {holidays: [2026-10-01, 9999-01-01]}\n",
            r"f\.yaml:8: calendar\.holidays\.1: 年份 9999",
        ),
        (
            GOOD + "fixtures: {training_records: [{id_number: x, year: 99999}]}\n",
            r"fixtures\.training_records\.0\.year: 年份 99999 超出合理范围",
        ),
        (
            GOOD + "policy: {full_time_max_months: 1000000000000}\n",
            r"f\.yaml:8: policy: .*full_time_max_months 不得大于 24",
        ),
        (GOOD + "policy: {standards: {中级工: 10000000000}}\n", r"standards\.中级工 不得大于 50000元"),
        (GOOD + "policy: {claim_review_days: 100000}\n", r"claim_review_days 不得大于 250"),
    ],
)
def test_bad_input_is_refused_naming_the_line(text: str, needle: str) -> None:
    with pytest.raises(ScenarioMalformed, match=needle):
        parse_scenario(text, "f.yaml")


def test_a_file_above_the_size_limit_is_refused_without_being_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(GOOD + "# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ScenarioMalformed, match=r"big\.yaml: 文件过大.*上限为 2 MiB"):
        read_scenario(big)


def test_bytes_that_are_not_utf8_are_named_by_offset_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"scenario: t\nstart: \xff bad bytes\n")
    with pytest.raises(ScenarioMalformed, match=r"bad\.yaml:2: 文件不是 UTF-8 编码：第 19 字节（0xff）"):
        read_scenario(bad)


def test_a_utf16_file_is_refused_and_a_utf8_bom_is_dropped(tmp_path: Path) -> None:
    wide = tmp_path / "wide.yaml"
    wide.write_bytes(GOOD.encode("utf-16"))
    with pytest.raises(ScenarioMalformed, match="UTF-16"):
        read_scenario(wide)
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(codecs.BOM_UTF8 + GOOD.encode())
    text, scenario = read_scenario(bom)
    assert text == GOOD and scenario.scenario == "t"


def test_an_unreadable_path_is_malformed_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ScenarioMalformed, match="无法读取"):
        read_scenario(tmp_path)  # a directory


def test_boundary_years_and_moderate_aliases_are_accepted() -> None:
    text = (
        GOOD.replace("start: 2026", "start: 1900").replace("  - at: 2026", "  - at: 1900")
        + "end: 2200-12-31T00:00:00+08:00\nexpect: {a: &x [1, 2], b: *x}\n"
    )
    scenario = parse_scenario(text)
    assert scenario.start.year == 1900 and scenario.end is not None and scenario.end.year == 2200


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"roster": {"generate": 1_000_000_000}}, ["roster"]),
        ({"roster": {"generate": -1}}, ["roster"]),
        ({"roster": {"generate": 40}, "start_date": date(1, 1, 1)}, ["start_date"]),
        ({"roster": {"generate": 10**30}, "start_date": "9999-12-31"}, ["start_date", "roster"]),
        ({"roster": {"generate": MAX_GENERATE}, "start_date": "2026-03-09"}, []),
        ({"roster": [], "start_date": "9999-12-31"}, []),  # no generation: the form refuses the date
    ],
)
def test_roster_generation_beyond_its_bounds_is_a_refused_field(
    data: dict[str, object], fields: list[str]
) -> None:
    refused = generate_refusals(data)
    assert [v.field for v in refused] == fields
    assert all(v.code.value == "invalid_field" for v in refused)


@pytest.mark.parametrize(
    ("tail", "needle"),
    [
        ("gateway: [" + ", ".join(["error"] * (MAX_GATEWAY + 1)) + "]\n", r"f\.yaml:8: gateway: 最多 100 项"),
        (
            "fixtures: {training_records: ["
            + ", ".join(["{id_number: x, year: 2026}"] * (MAX_FIXTURES + 1))
            + "]}\n",
            r"fixtures\.training_records: 最多 2000 项",
        ),
    ],
)
def test_lists_that_would_run_for_minutes_are_refused(tail: str, needle: str) -> None:
    with pytest.raises(ScenarioMalformed, match=needle):
        parse_scenario(GOOD + tail, "f.yaml")


def test_more_steps_than_the_limit_are_refused() -> None:
    step = "  - {at: 2026-03-02T09:00:00+08:00, event: objection}\n"
    with pytest.raises(ScenarioMalformed, match=r"steps: 最多 1000 步，现有 1001 步"):
        parse_scenario(GOOD + step * MAX_STEPS, "f.yaml")  # GOOD has one step already
    assert len(parse_scenario(GOOD + step * (MAX_STEPS - 1)).steps) == MAX_STEPS
