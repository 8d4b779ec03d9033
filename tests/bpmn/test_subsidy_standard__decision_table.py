"""subsidy_standard.dmn: one FIRST table, (level, occupation) -> standard_yuan, with DMNDI for dmn-js (003 (十一))."""

from __future__ import annotations

import ast
from pathlib import Path

from lxml import etree

from domain.vocab import Level

DMN = Path(__file__).resolve().parents[2] / "bpmn" / "decisions" / "subsidy_standard.dmn"
NS = {
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "dmndi": "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "dc": "http://www.omg.org/spec/DMN/20180521/DC/",
}
DEFAULTS = {
    "初级工": 800, "中级工": 1200, "高级工": 1600, "技师": 2400, "高级技师": 3000,
    "专项职业能力": 500, "培训合格证": 300, "创业培训": 1000,
}  # fmt: skip


def test_one_decision_table_reading_the_policy_standards() -> None:
    root = etree.parse(str(DMN)).getroot()
    (decision,) = root.findall("dmn:decision", NS)
    assert (decision.get("id"), decision.get("name")) == ("subsidy_standard", "补贴标准")
    (table,) = decision.findall("dmn:decisionTable", NS)
    # 003 (十一): standards differ by occupation; occupation-specific rows go above the level-wide defaults
    assert table.get("hitPolicy") == "FIRST"
    columns = table.findall("dmn:input/dmn:inputExpression/dmn:text", NS)
    assert [c.text for c in columns] == ["level", "occupation"]
    (output,) = table.findall("dmn:output", NS)
    assert output.get("name") == "standard_yuan"

    rows = {}
    for rule in table.findall("dmn:rule", NS):
        level_cell, occupation_cell = (
            e.findtext("dmn:text", namespaces=NS) for e in rule.findall("dmn:inputEntry", NS)
        )
        assert occupation_cell == "-"  # the shipped rows are the level-wide defaults: any occupation
        level = ast.literal_eval(level_cell)
        rows[level] = rule.findtext("dmn:outputEntry/dmn:text", namespaces=NS)
        note = rule.findtext("dmn:description", namespaces=NS)
        assert "策略文件 standards" in note and "003 (十一)" in note
    # One source of truth: every cell reads the pinned policy's standard (docs/decisions.md).
    assert rows == {level: f'policy_standard("{level}")' for level in DEFAULTS}
    assert set(rows) == {level.value for level in Level}


def test_dmndi_places_the_decision() -> None:
    root = etree.parse(str(DMN)).getroot()
    shape = root.find("dmndi:DMNDI/dmndi:DMNDiagram/dmndi:DMNShape", NS)
    assert shape.get("dmnElementRef") == "subsidy_standard"
    assert shape.find("dc:Bounds", NS) is not None
