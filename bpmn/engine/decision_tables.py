"""Decision tables evaluated with the hit policy their owner chose (SpiffWorkflow 3.2 runs UNIQUE as FIRST).

SpiffWorkflow's DMN engine stops at the first match of a UNIQUE table and knows no aggregation
for COLLECT. Each businessRuleTask's engine is replaced, once per deployment, by one that checks
UNIQUE (two matching rules: an error naming them), takes the first match for FIRST and collects,
sums, counts or takes the minimum / maximum for COLLECT.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.task import Task

from bpmn.dmn_feel import table_policy

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)


class DecisionNotUnique(ValueError):
    """A UNIQUE decision table matched more than one rule for one input."""

    def __init__(self, table: str, rules: list[str]) -> None:
        super().__init__(
            f"决策表 {table} 的命中策略为 UNIQUE，但规则 {'、'.join(rules)} 同时命中同一输入：请流程负责人修改决策表"
        )
        self.table = table
        self.rules = rules


def decision_tables(models: Mapping[str, bytes]) -> dict[str, tuple[str, str | None]]:
    """The hit policy and aggregation of every decision table of the DMN files, by table id."""
    found: dict[str, tuple[str, str | None]] = {}
    for name, body in models.items():
        if not name.endswith(".dmn"):
            continue
        for element in etree.fromstring(body, _SAFE_XML).iter():
            if isinstance(element.tag, str) and etree.QName(element).localname == "decisionTable":
                found[element.get("id") or "?"] = table_policy(element)
    return found


def _aggregate(aggregation: str, values: list[Any]) -> Any:
    if aggregation == "COUNT":
        return len(values)
    if not values:
        return None  # DMN: the aggregate of no match is null
    if aggregation == "SUM":
        return sum(values)
    return min(values) if aggregation == "MIN" else max(values)


class CheckedDMNEngine(DMNEngine):  # type: ignore[misc]
    """SpiffWorkflow's DMN engine with UNIQUE checked and COLLECT aggregated."""

    def __init__(self, decision_table: Any, hit_policy: str, aggregation: str | None) -> None:
        super().__init__(decision_table)
        self.hit_policy = hit_policy
        self.aggregation = aggregation

    def decide(self, task: Task) -> list[Any]:
        check = self._DMNEngine__check_rule  # every rule, in table order (no early stop)
        return [rule for rule in self.decision_table.rules if check(rule, task)]

    def result(self, task: Task) -> dict[str, Any]:
        matched = self.decide(task)
        if self.hit_policy == "COLLECT":
            names = [output.name for output in self.decision_table.outputs]
            collected: dict[str, list[Any]] = {name: [] for name in names}
            for rule in matched:
                for key, value in rule.output_as_dict(task).items():
                    collected.setdefault(key, []).append(value)
            if self.aggregation is None:
                return dict(collected)
            return {key: _aggregate(self.aggregation, values) for key, values in collected.items()}
        if self.hit_policy == "UNIQUE" and len(matched) > 1:
            raise DecisionNotUnique(self.decision_table.id, [rule.id for rule in matched])
        return dict(matched[0].output_as_dict(task)) if matched else {}


def honour_hit_policy(task_spec: Any, tables: Mapping[str, tuple[str, str | None]]) -> None:
    """Give a businessRuleTask the engine of its table's hit policy (other task specs are left alone)."""
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is None or isinstance(engine, CheckedDMNEngine):
        return
    table = engine.decision_table
    policy, aggregation = tables.get(table.id, (str(table.hit_policy), None))
    task_spec.dmnEngine = CheckedDMNEngine(table, policy, aggregation)
