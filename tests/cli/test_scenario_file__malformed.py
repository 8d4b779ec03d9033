"""A malformed scenario file is refused with its line and key (scenario contract: exit 2)."""

from __future__ import annotations

import pytest

from cli.scenario_file import ScenarioMalformed, parse_scenario

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
