"""Deploy-time lint of a candidate's models: what a modeler lets a process owner draw that we cannot run.

Read with lxml only (entity expansion and network access off), never with SpiffWorkflow, it finds:
every userTask with a declared role that is a known Role, a definition and a form the deployment
holds, and no lane saying otherwise; every timer a call of a registered deadline function of
task-data names; every exclusive gateway with a default flow or a condition on each outgoing flow;
no element unreachable from a start event (boundary events of a reachable activity count); every
call activity resolving to a process of the set; and no UNIQUE decision table whose rules provably
overlap. Each finding names the file and the element.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree

from bpmn.deployment import FORMS_DIR
from bpmn.dmn_feel import FeelRefused, unique_overlaps
from domain.vocab import Role
from forms.task_definitions import ROLE_PROPERTY, definition, task_key

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
# The registered functions (bpmn/script_env.py) that give a timer its due instant from task data.
DEADLINE_FUNCTIONS = frozenset(
    {"opening_review_deadline", "claim_review_deadline", "notice_closing_time", "payment_deadline"}
)
_TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
_FLOW_NODES = frozenset(
    {
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
        "receiveTask", "callActivity", "subProcess", "transaction", "exclusiveGateway", "parallelGateway",
        "inclusiveGateway", "eventBasedGateway", "complexGateway",
    }
)  # fmt: skip
_CONTAINERS = ("process", "subProcess", "transaction")


@dataclass(frozen=True, slots=True)
class LintFinding:
    """One thing in a model that refuses the deployment, naming the file and the element."""

    file: str
    element_id: str
    element_name: str
    message: str

    def __str__(self) -> str:
        name = f"（{self.element_name}）" if self.element_name else ""
        return f"{self.file} 的元素 {self.element_id}{name}：{self.message}"


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname) if isinstance(element.tag, str) else ""


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    return (child for child in element if _local(child) in names)


def _declared_role(task: etree._Element) -> str | None:
    for element in task.iter():
        if _local(element) == "property" and element.get("name") == ROLE_PROPERTY:
            return element.get("value") or None
    return None


class _Model:
    """One BPMN file's elements, and where its findings go."""

    def __init__(self, file: str, root: etree._Element, found: list[LintFinding]) -> None:
        self.file, self.root, self.found = file, root, found

    def refuse(self, element: etree._Element, message: str) -> None:
        self.found.append(
            LintFinding(self.file, element.get("id") or "?", element.get("name") or "", message)
        )

    def elements(self, name: str) -> Iterator[etree._Element]:
        return (element for element in self.root.iter() if _local(element) == name)

    def user_tasks(self, forms: frozenset[str]) -> None:
        lanes = {}
        for lane in self.elements("lane"):
            for ref in _children(lane, "flowNodeRef"):
                lanes[(ref.text or "").strip()] = lane.get("name") or lane.get("id") or ""
        known = {role.value for role in Role}
        for task in self.elements("userTask"):
            role = _declared_role(task)
            if role is None:
                self.refuse(task, f'人工任务没有声明角色（spiffworkflow:property name="{ROLE_PROPERTY}"）')
                continue
            if role not in known:
                self.refuse(task, f"声明的角色 {role!r} 不是已知角色（{'、'.join(sorted(known))}）")
            found = definition(task_key(task.get("id") or ""))
            if found is None:
                self.refuse(task, "没有这个人工任务的定义（forms/task_definitions.py），无法办理")
            elif f"{FORMS_DIR}{found.form}.json" not in forms:
                self.refuse(task, f"任务的表单 {found.form} 不在部署中（应有 {FORMS_DIR}{found.form}.json）")
            elif found.role.value != role:
                self.refuse(task, f"声明的角色 {role} 与任务定义的角色 {found.role.value} 不一致")
            lane = lanes.get(task.get("id") or "")
            if lane is not None and lane != role:
                self.refuse(
                    task, f"任务位于泳道 {lane}，与声明的角色 {role} 不一致：请把任务拖到 {role} 泳道"
                )

    def timers(self) -> None:
        for tag in _TIMER_TAGS:
            for timer in self.elements(tag):
                owner = timer.getparent()
                while owner is not None and _local(owner) not in _FLOW_NODES:
                    owner = owner.getparent()
                problem = _timer_problem((timer.text or "").strip())
                if problem:
                    self.refuse(owner if owner is not None else timer, problem)

    def gateways(self) -> None:
        flows = {flow.get("id"): flow for flow in self.elements("sequenceFlow")}
        for gateway in self.elements("exclusiveGateway"):
            outgoing = [f for f in flows.values() if f.get("sourceRef") == gateway.get("id")]
            if len(outgoing) < 2 or gateway.get("default") in flows:  # noqa: PLR2004 - a branch needs two
                continue
            bare = [
                f.get("id") or "?"
                for f in outgoing
                if next(_children(f, "conditionExpression"), None) is None
            ]
            if bare:
                self.refuse(
                    gateway, f"排他网关既没有默认流，出口 {'、'.join(bare)} 也没有条件：请设默认流或补全条件"
                )

    def reachability(self) -> None:
        for container in self.root.iter():
            if _local(container) == "process":
                self._walk(container, reachable=True)

    def _walk(self, container: etree._Element, *, reachable: bool) -> None:
        nodes = {n.get("id"): n for n in container if _local(n) in _FLOW_NODES}
        edges: dict[str | None, list[str | None]] = {}
        for flow in _children(container, "sequenceFlow"):
            edges.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        seen: set[str | None] = set()
        todo = [i for i, n in nodes.items() if _local(n) == "startEvent" or _is_event_subprocess(n)]
        while todo and reachable:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo += edges.get(current, [])
            todo += [
                i
                for i, n in nodes.items()
                if _local(n) == "boundaryEvent" and n.get("attachedToRef") == current
            ]
        for node_id, node in nodes.items():
            if reachable and node_id not in seen:
                self.refuse(node, "从开始事件无法到达该元素（没有顺序流连到它）：请连线或删除")
            if _local(node) in _CONTAINERS:
                self._walk(node, reachable=reachable and node_id in seen)

    def call_activities(self, processes: set[str]) -> None:
        for call in self.elements("callActivity"):
            called = call.get("calledElement") or ""
            if called not in processes:
                self.refuse(call, f"调用活动调用的流程 {called!r} 不在本次部署的流程中")


def _is_event_subprocess(node: etree._Element) -> bool:
    return _local(node) == "subProcess" and (node.get("triggeredByEvent") or "").lower() == "true"


def _timer_problem(source: str) -> str | None:
    """Why a timer's expression is not one the calendar can evaluate (None: it is)."""
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return f"计时器表达式 {source[:60]!r} 无法解析"
    ok = (
        isinstance(tree, ast.Call)
        and isinstance(tree.func, ast.Name)
        and tree.func.id in DEADLINE_FUNCTIONS
        and not tree.keywords
        and all(isinstance(arg, ast.Name) and not arg.id.startswith("_") for arg in tree.args)
    )
    if ok:
        return None
    return (
        f"计时器表达式 {source[:60]!r} 应为登记的期限函数（{'、'.join(sorted(DEADLINE_FUNCTIONS))}）"
        "作用于任务数据名，例如 claim_review_deadline(claim_date)"
    )


def lint_models(files: Mapping[str, bytes]) -> list[LintFinding]:
    """Every finding of the lint over a deployment's files (empty: nothing refuses it)."""
    found: list[LintFinding] = []
    forms = frozenset(name for name in files if name.startswith(FORMS_DIR))
    models: list[_Model] = []
    for name in sorted(files):
        if name.endswith(".bpmn"):
            models.append(_Model(name, etree.fromstring(files[name], _SAFE_XML), found))
        elif name.endswith(".dmn"):
            try:
                for table, first, second in unique_overlaps(files[name]):
                    message = f"命中策略为 UNIQUE，但规则 {first} 与 {second} 可同时命中同一输入：请改为 FIRST 或修改条件"
                    found.append(LintFinding(name, table, "", message))
            except FeelRefused as bad:
                found.append(LintFinding(name, bad.element_id, "", bad.message))
    processes = {p.get("id") or "" for model in models for p in model.elements("process")}
    for model in models:
        model.user_tasks(forms)
        model.timers()
        model.gateways()
        model.reachability()
        model.call_activities(processes)
    return found
