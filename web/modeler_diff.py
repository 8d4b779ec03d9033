"""What a modeler draft changes against the version it was drawn from: elements, roles and forms.

Elements are compared by id, on what they mean to the engine: name, type, role, form, timer
expression, conditions (gateway flows, decision rules), the called process, the script. Diagram
geometry is not compared, nor lane membership: bpmn-js rewrites the lanes' ``flowNodeRef`` lists on
every edit, and a user task's role is the ``role`` property declared on the task itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from forms.task_definitions import ROLE_PROPERTY, definition

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
LANE_NOTE = "泳道成员（flowNodeRef 列表）及图形位置的变化不计入差异：任务的角色以任务上声明的 role 属性为准。"
# Elements compared through their parent (an event's timer, a flow's condition, a rule's cells) or not at all.
_SKIPPED = frozenset({
    "definitions", "laneSet", "lane", "conditionExpression", "inputEntry", "outputEntry", "inputExpression",
    "extensionElements", "documentation", "incoming", "outgoing", "script",
})  # fmt: skip
FIELD_TITLES = {
    "type": "类型", "name": "名称", "role": "角色", "form": "表单", "timer": "定时表达式",
    "condition": "条件", "result": "结果", "flow": "连接", "called": "调用流程", "script": "脚本",
    "hit_policy": "命中策略",
}  # fmt: skip


class DraftUnreadable(ValueError):
    """A draft file that is not safe, well-formed XML (the message names the file)."""


@dataclass(frozen=True, slots=True)
class ElementChange:
    """One element added, removed or changed, with the fields that differ (field, before, after)."""

    file: str
    element_id: str
    kind: str  # added | removed | changed
    type: str
    name: str
    fields: tuple[tuple[str, str, str], ...] = ()


@dataclass
class DraftDiff:
    """Every element change, and the user tasks whose role or form changed (task, before, after)."""

    elements: list[ElementChange] = field(default_factory=list)
    roles: list[tuple[str, str, str]] = field(default_factory=list)
    forms: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """The draft means the same as its base."""
        return not self.elements


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _role(element: etree._Element) -> str:
    for prop in element.iterfind(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property"):
        if prop.get("name") == ROLE_PROPERTY:
            return prop.get("value") or ""
    return ""


def _timer(element: etree._Element) -> str:
    for timer in element.iterfind(f"{{{BPMN}}}timerEventDefinition"):
        for child in timer:
            return f"{_local(child.tag)}: {_text(child)}"
    return ""


def _event_kinds(element: etree._Element) -> str:
    return ", ".join(_local(child.tag) for child in element if _local(child.tag).endswith("EventDefinition"))


def _bpmn_fields(element: etree._Element) -> dict[str, str]:
    tag = _local(element.tag)
    kinds = _event_kinds(element)
    found = {"type": f"{tag}（{kinds}）" if kinds else tag, "name": element.get("name") or ""}
    if tag == "userTask":
        known = definition(element.get("id") or "")
        found["role"] = _role(element)
        found["form"] = known.form if known is not None else ""
    found["timer"] = _timer(element)
    found["condition"] = _text(element.find(f"{{{BPMN}}}conditionExpression"))
    if tag == "sequenceFlow":
        found["flow"] = f"{element.get('sourceRef', '')} → {element.get('targetRef', '')}"
    found["called"] = element.get("calledElement") or ""
    found["script"] = _text(element.find(f"{{{BPMN}}}script"))
    return found


def _dmn_fields(element: etree._Element) -> dict[str, str]:
    tag = _local(element.tag)
    found = {"type": tag, "name": element.get("name") or element.get("label") or ""}
    if tag == "decisionTable":
        found["hit_policy"] = element.get("hitPolicy") or "UNIQUE"  # absent means UNIQUE (DMN default)
    elif tag == "rule":
        found["condition"] = " | ".join(_text(e) for e in element.iterfind(f"{{{DMN}}}inputEntry"))
        found["result"] = " | ".join(_text(e) for e in element.iterfind(f"{{{DMN}}}outputEntry"))
    elif tag == "input":
        found["condition"] = _text(element.find(f"{{{DMN}}}inputExpression"))
    return found


def elements_of(name: str, body: bytes | str) -> dict[str, dict[str, str]]:
    """The compared fields of every element of one BPMN or DMN file, by id (empty fields left out)."""
    raw = body.encode() if isinstance(body, str) else body
    try:
        root = etree.fromstring(raw, _SAFE_XML)
    except etree.XMLSyntaxError as bad:
        raise DraftUnreadable(f"{name}: 不是合法的 XML（{bad}）") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise DraftUnreadable(f"{name}: 含有 DOCTYPE/实体声明，出于安全原因拒绝")
    found: dict[str, dict[str, str]] = {}
    for element in root.iter():
        ns = etree.QName(element.tag).namespace if isinstance(element.tag, str) else None
        ident = element.get("id")
        tag = _local(element.tag)
        if not ident or ns not in (BPMN, DMN) or tag in _SKIPPED or tag.endswith("EventDefinition"):
            continue
        fields = _bpmn_fields(element) if ns == BPMN else _dmn_fields(element)
        found[ident] = {k: v for k, v in fields.items() if v}
    return found


def _change(
    file: str, ident: str, before: Mapping[str, str], after: Mapping[str, str]
) -> ElementChange | None:
    shown = after or before
    kind = "added" if not before else "removed" if not after else "changed"
    keys = [k for k in FIELD_TITLES if before.get(k, "") != after.get(k, "")]
    if kind == "changed" and not keys:
        return None
    fields = tuple((k, before.get(k, ""), after.get(k, "")) for k in keys)
    return ElementChange(file, ident, kind, shown.get("type", ""), shown.get("name", ""), fields)


def diff_models(base: Mapping[str, bytes | str], draft: Mapping[str, bytes | str]) -> DraftDiff:
    """The draft's models against the base version's (both: model file name → XML)."""
    result = DraftDiff()
    for name in sorted(set(base) | set(draft)):
        before = elements_of(name, base[name]) if name in base else {}
        after = elements_of(name, draft[name]) if name in draft else {}
        for ident in sorted(set(before) | set(after)):
            change = _change(name, ident, before.get(ident, {}), after.get(ident, {}))
            if change is None:
                continue
            result.elements.append(change)
            old, new = before.get(ident, {}), after.get(ident, {})
            if "userTask" in (old.get("type"), new.get("type")):
                if old.get("role", "") != new.get("role", ""):
                    result.roles.append((ident, old.get("role", ""), new.get("role", "")))
                if old.get("form", "") != new.get("form", ""):
                    result.forms.append((ident, old.get("form", ""), new.get("form", "")))
    return result
