"""Every shipped .bpmn opens laid out and readable in bpmn-js, and keeps the engine contract.

Checks the diagram interchange (a shape for every node, lane and pool; an edge with waypoints
for every flow), the lanes (role ids, horizontal bands), the layout (left to right, nothing
overlapping, boundary events on their host), the Chinese names and clause citations, the
user task ids the engine knows, and that no policy number or arithmetic sits in the XML.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

MODELS = Path(__file__).resolve().parents[2] / "bpmn"
PROCESS_FILES = sorted((MODELS / "processes").glob("*.bpmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
ROLES = {"applicant", "reviewer", "rechecker", "approver", "inspector", "finance", "system"}
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "scriptTask", "businessRuleTask", "serviceTask", "task", "manualTask", "callActivity",
    "subProcess", "exclusiveGateway", "parallelGateway", "eventBasedGateway", "inclusiveGateway",
}  # fmt: skip
# the user task ids of the shipped lifecycle (scenarios/README.md) plus fraud_recovery's
USER_TASKS = {
    "opening_application", "opening_first_review", "opening_recheck", "opening_approval",
    "opening_day_check", "spot_check", "assessment_request", "assessment_result", "subsidy_claim",
    "claim_first_review", "claim_recheck", "objection_investigation", "payment_approval",
    "disbursement", "recovery",
}  # fmt: skip
FUNCTIONS = {
    "opening_review_deadline", "is_opening_cancelled", "has_enough_spot_checks",
    "compute_attendance_base", "is_below_satisfaction", "compute_eligible", "compute_subsidy",
    "claim_review_deadline", "notice_start_after", "notice_end_from", "notice_closing_time",
    "payment_deadline",
}  # fmt: skip
MESSAGES = {"fraud", "objection", "payment_confirmed"}
CJK = re.compile(r"[\u4e00-\u9fff]")
CLAUSE = re.compile(r"\b00[0-4]\b")
TOLERANCE = 1.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.w <= self.x + self.w
            and other.y + other.h <= self.y + self.h
        )

    def intersects(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def on_border(self, px: float, py: float) -> bool:
        inside_outer = self.x - TOLERANCE <= px <= self.x + self.w + TOLERANCE and (
            self.y - TOLERANCE <= py <= self.y + self.h + TOLERANCE
        )
        inside_inner = self.x + TOLERANCE < px < self.x + self.w - TOLERANCE and (
            self.y + TOLERANCE < py < self.y + self.h - TOLERANCE
        )
        return inside_outer and not inside_inner


def _bounds(elem: Any) -> Box:
    return Box(*(float(elem.get(k)) for k in ("x", "y", "width", "height")))


class Model:
    """One .bpmn file: its process elements and their diagram interchange."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = etree.parse(str(path)).getroot()
        (self.process,) = self.root.findall("bpmn:process", NS)
        self.elements = {e.get("id"): e for e in self.root.iter() if e.get("id")}
        self.nodes = {e.get("id"): e for e in self.process.iter() if etree.QName(e).localname in FLOW_NODES}
        self.flows = {e.get("id"): e for e in self.process.iter(f"{{{NS['bpmn']}}}sequenceFlow")}
        self.shapes: dict[str, Box] = {}
        self.labels: dict[str, Box] = {}
        for shape in self.root.iterfind(".//bpmndi:BPMNShape", NS):
            self.shapes[shape.get("bpmnElement")] = _bounds(shape.find("dc:Bounds", NS))
            label = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
            if label is not None:
                self.labels[shape.get("bpmnElement")] = _bounds(label)
        self.edges: dict[str, list[tuple[float, float]]] = {}
        for edge in self.root.iterfind(".//bpmndi:BPMNEdge", NS):
            self.edges[edge.get("bpmnElement")] = [
                (float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)
            ]
            label = edge.find("bpmndi:BPMNLabel/dc:Bounds", NS)
            if label is not None:
                self.labels[edge.get("bpmnElement")] = _bounds(label)
        self.lanes = {lane.get("name"): lane for lane in self.process.iterfind("bpmn:laneSet/bpmn:lane", NS)}
        self.lane_of = {
            ref.text: name
            for name, lane in self.lanes.items()
            for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        }

    def kind(self, node_id: str) -> str:
        return str(etree.QName(self.nodes[node_id]).localname)

    def parent_subprocess(self, node_id: str) -> str | None:
        parent = self.nodes[node_id].getparent()
        return parent.get("id") if etree.QName(parent).localname == "subProcess" else None

    def expressions(self) -> list[tuple[str, str, str]]:
        """(element id, kind, source) of every condition, timer, script in the file."""
        found = []
        for cond in self.process.iter(f"{{{NS['bpmn']}}}conditionExpression"):
            found.append((cond.getparent().get("id"), "eval", cond.text))
        for timer in self.process.iter(f"{{{NS['bpmn']}}}timeDate"):
            found.append((timer.getparent().getparent().get("id"), "eval", timer.text))
        for script in self.process.iter(f"{{{NS['bpmn']}}}script"):
            found.append((script.getparent().get("id"), "exec", script.text))
        return found


MODEL_LIST = [Model(p) for p in PROCESS_FILES]


@pytest.fixture(params=MODEL_LIST, ids=[m.path.stem for m in MODEL_LIST])
def model(request: pytest.FixtureRequest) -> Model:
    return request.param  # type: ignore[no-any-return]


def test_all_processes_are_shipped() -> None:
    assert {m.process.get("id") for m in MODEL_LIST} == {
        "subsidy_lifecycle", "opening", "supervision", "assessment", "claim", "public_notice", "payment",
        "fraud_recovery",
    }  # fmt: skip
    for m in MODEL_LIST:
        assert m.path.stem == m.process.get("id")
        assert m.process.get("isExecutable") == "true"


def test_one_pool_with_one_lane_per_role_as_horizontal_bands(model: Model) -> None:
    (participant,) = model.root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert participant.get("processRef") == model.process.get("id")
    assert CJK.search(participant.get("name", ""))
    plane = model.root.find(".//bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == model.root.find("bpmn:collaboration", NS).get("id")
    pool = model.shapes[participant.get("id")]
    lane_ids = [lane.get("id") for lane in model.lanes.values()]
    assert len(lane_ids) == len(model.process.findall("bpmn:laneSet/bpmn:lane", NS)), "lane names are unique"
    assert set(model.lanes) <= ROLES
    bands = sorted((model.shapes[i] for i in lane_ids), key=lambda b: b.y)
    assert bands[0].y == pool.y and bands[-1].y + bands[-1].h == pool.y + pool.h
    for upper, lower in zip(bands, bands[1:], strict=False):
        assert upper.y + upper.h == lower.y, "lanes are stacked without gaps"
    for band in bands:
        assert band.x > pool.x and band.x + band.w == pool.x + pool.w
        assert band.w > band.h, "lanes are horizontal bands"


def test_every_node_and_flow_has_its_diagram_interchange(model: Model) -> None:
    assert set(model.nodes) <= set(model.shapes)
    assert set(model.flows) <= set(model.edges)
    for flow_id, flow in model.flows.items():
        points = model.edges[flow_id]
        assert len(points) >= 2, flow_id
        assert model.shapes[flow.get("sourceRef")].on_border(*points[0]), f"{flow_id} leaves its source"
        assert model.shapes[flow.get("targetRef")].on_border(*points[-1]), f"{flow_id} reaches its target"
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{flow_id}: orthogonal segments"
    for sub_id in (n for n in model.nodes if model.kind(n) == "subProcess"):
        di = model.root.find(f".//bpmndi:BPMNShape[@bpmnElement='{sub_id}']", NS)
        assert di.get("isExpanded") == "true"


def test_every_node_has_a_chinese_name_and_cites_its_clause(model: Model) -> None:
    for node_id, node in model.nodes.items():
        assert CJK.search(node.get("name", "")), f"{node_id} has a Chinese name"
        doc = node.find("bpmn:documentation", NS)
        assert doc is not None and CLAUSE.search(doc.text or ""), f"{node_id} cites a policy clause"
    assert CLAUSE.search(model.process.find("bpmn:documentation", NS).text)


def test_lanes_hold_their_nodes(model: Model) -> None:
    pool = next(iter(b for k, b in model.shapes.items() if k.endswith("_participant")))
    for node_id in model.nodes:
        box = model.shapes[node_id]
        assert pool.contains(box), f"{node_id} inside the pool"
        if model.kind(node_id) == "subProcess":
            # an expanded subprocess spanning lanes is in no lane; Spiff would otherwise give its
            # lane to every task inside it
            assert node_id not in model.lane_of
            continue
        lane = model.lane_of[node_id]
        band = model.shapes[model.lanes[lane].get("id")]
        assert band.y <= box.cy <= band.y + band.h, f"{node_id} drawn in lane {lane}"
        parent = model.parent_subprocess(node_id)
        if parent is not None:
            assert model.shapes[parent].contains(box), f"{node_id} inside {parent}"


def test_user_tasks_are_in_role_lanes_and_in_the_contract(model: Model) -> None:
    for node_id in (n for n in model.nodes if model.kind(n) == "userTask"):
        assert model.lane_of[node_id] in ROLES - {"system"}
        assert node_id.split("__", 1)[0] in USER_TASKS, node_id


def test_layout_reads_left_to_right_without_overlaps(model: Model) -> None:
    incoming: dict[str, int] = {}
    for flow in model.flows.values():
        incoming[flow.get("targetRef")] = incoming.get(flow.get("targetRef"), 0) + 1
    for flow_id, flow in model.flows.items():
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if model.kind(target) == "exclusiveGateway" and incoming[target] > 1:
            continue  # a loop back to a merge
        assert model.shapes[target].cx >= model.shapes[source].cx, f"{flow_id} goes left to right"

    ids = list(model.nodes)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            box_a, box_b = model.shapes[a], model.shapes[b]
            if box_a.contains(box_b) or box_b.contains(box_a):
                continue
            if model.nodes[a].get("attachedToRef") == b or model.nodes[b].get("attachedToRef") == a:
                continue
            assert not box_a.intersects(box_b), f"{a} overlaps {b}"
    for owner, label in model.labels.items():
        for node_id, box in model.shapes.items():
            if node_id == owner or node_id not in model.nodes or model.kind(node_id) == "subProcess":
                continue
            assert not label.intersects(box), f"the label of {owner} covers {node_id}"


def test_boundary_events_sit_on_their_host(model: Model) -> None:
    for node_id in (n for n in model.nodes if model.kind(n) == "boundaryEvent"):
        node = model.nodes[node_id]
        host = model.shapes[node.get("attachedToRef")]
        box = model.shapes[node_id]
        assert host.on_border(box.cx, box.cy), f"{node_id} on the border of {node.get('attachedToRef')}"
        timer = node.find("bpmn:timerEventDefinition", NS)
        if timer is not None:
            assert node.get("cancelActivity") == "false", "SLA timers never interrupt the work"


def test_gateways_have_exclusive_conditions_and_a_default(model: Model) -> None:
    for node_id in (n for n in model.nodes if model.kind(n) == "exclusiveGateway"):
        outgoing = [f for f in model.flows.values() if f.get("sourceRef") == node_id]
        if len(outgoing) < 2:
            continue
        default = model.nodes[node_id].get("default")
        assert default in {f.get("id") for f in outgoing}, f"{node_id} has a default flow"
        for flow in outgoing:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None
            assert has_condition != (flow.get("id") == default), flow.get("id")
    for node_id in (n for n in model.nodes if model.kind(n) == "eventBasedGateway"):
        for flow in (f for f in model.flows.values() if f.get("sourceRef") == node_id):
            assert model.kind(flow.get("targetRef")) == "intermediateCatchEvent"


def test_expressions_call_functions_by_name_without_numbers_or_arithmetic(model: Model) -> None:
    for element_id, mode, source in model.expressions():
        tree = ast.parse(source, mode=mode)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.BinOp | ast.AugAssign), f"{element_id}: arithmetic in the XML"
            if isinstance(node, ast.Constant):
                assert not isinstance(node.value, int | float) or isinstance(node.value, bool), (
                    f"{element_id}: a number in the XML ({source!r})"
                )
            if isinstance(node, ast.Call):
                assert isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS, (
                    f"{element_id}: {source!r}"
                )


def test_references_resolve(model: Model) -> None:
    processes = {m.process.get("id") for m in MODEL_LIST}
    for node in model.process.iter(f"{{{NS['bpmn']}}}callActivity"):
        assert node.get("calledElement") in processes
    for event in model.process.iter(f"{{{NS['bpmn']}}}messageEventDefinition"):
        message = model.elements[event.get("messageRef")]
        assert message.get("name") in MESSAGES
        variable = event.find("bpmn:extensionElements/spiffworkflow:messageVariable", NS)
        assert variable is not None and variable.text, "the payload lands in task data"
    for task in model.process.iter(f"{{{NS['bpmn']}}}businessRuleTask"):
        assert task.findtext("bpmn:extensionElements/spiffworkflow:calledDecisionId", namespaces=NS)


def test_spiff_gives_every_user_task_its_lane(spiff_parser: Any) -> None:
    """Spiff hands a subprocess's own lane to every task inside it: the lanes must survive parsing."""
    lanes = {node: lane for m in MODEL_LIST for node, lane in m.lane_of.items()}
    seen = set()
    for process_id in spiff_parser.get_process_ids():
        for spec in spiff_parser.get_spec(process_id).task_specs.values():
            if getattr(spec, "manual", False):
                assert spec.lane == lanes[spec.name], spec.name
                seen.add(spec.name.split("__", 1)[0])
    for m in MODEL_LIST:  # tasks inside embedded subprocesses are parsed as their own specs
        for sub in (n for n in m.nodes if m.kind(n) == "subProcess"):
            for spec in spiff_parser.get_spec(sub).task_specs.values():
                if getattr(spec, "manual", False):
                    assert spec.lane == lanes[spec.name], spec.name
                    seen.add(spec.name.split("__", 1)[0])
    assert seen == USER_TASKS
