"""Deploy-time check: every expression of a deployment's BPMN and DMN files is in the closed language.

It finds every element SpiffWorkflow evaluates or executes (conditions, timers, scripts, pre-
and post-scripts, multi-instance cardinality and completion conditions, message payloads and
correlation expressions, service-task parameters; DMN input expressions and input / output
entries, combined the way SpiffWorkflow's DMN engine combines them) and refuses the deployment,
naming the file, the element and the expression, if one is outside the grammar or calls a
function that is not registered.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from lxml import etree

from bpmn.dmn_feel import FeelRefused, translate_dmn
from bpmn.expressions import MAX_SOURCE_CHARS, ExpressionRefused, compile_expression, compile_script
from bpmn.script_env import FUNCTION_NAMES

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
_DMN_INPUT = "dmninputexpr"  # the name SpiffWorkflow's DMN engine gives the input for a ``?`` cell
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # as in DMNEngine.evaluate

# Local names of BPMN / Spiff extension elements whose text SpiffWorkflow evaluates or executes.
_EXPRESSION_TAGS = frozenset(
    {
        "conditionExpression",  # sequence flows
        "condition",  # conditional events
        "timeDate",
        "timeDuration",
        "timeCycle",
        "loopCardinality",
        "completionCondition",
        "messagePayload",
        "payloadExpression",
        "expression",  # spiffworkflow correlation properties
    }
)
_SCRIPT_TAGS = frozenset({"script", "preScript", "postScript"})
_OWNER_SKIP = ("EventDefinition", "extensionElements", "multiInstanceLoopCharacteristics")


class ModelExpressionRefused(ExpressionRefused):
    """A model file holds an expression outside the closed language: the deployment is refused."""

    def __init__(
        self, file: str, element_id: str, element_name: str, cause: ExpressionRefused, source: str
    ) -> None:
        super().__init__(cause.construct, cause.message, source)
        self.args = (file, element_id, element_name, cause, source)
        self.file = file
        self.element_id = element_id
        self.element_name = element_name

    def __str__(self) -> str:
        name = f"（{self.element_name}）" if self.element_name else ""
        return f"模型 {self.file} 的元素 {self.element_id}{name} 中：{super().__str__()}"


@dataclass(frozen=True, slots=True)
class _Found:
    element_id: str
    element_name: str
    source: str
    script: bool = False
    dmn_input: str | None = None  # set for a DMN input entry: the input expression it is matched with


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname) if isinstance(element.tag, str) else ""


def _owner(element: etree._Element) -> tuple[str, str]:
    """The id and name of the model element an expression belongs to (not its event definition)."""
    node: etree._Element | None = element
    first: tuple[str, str] | None = None
    while node is not None:
        node_id = node.get("id")
        if node_id:
            found = (node_id, node.get("name") or "")
            first = first or found
            if not _local(node).endswith(_OWNER_SKIP):
                return found
        node = node.getparent()
    return first or ("?", "")


def _bpmn_expressions(root: etree._Element) -> Iterator[_Found]:
    for element in root.iter():
        tag = _local(element)
        if (
            tag == "formalExpression"
            and _local(element.getparent()) == "correlationPropertyRetrievalExpression"
        ):
            tag = "conditionExpression"
        if tag == "parameter" and element.get("value") is not None:
            yield _Found(*_owner(element), element.get("value") or "")
        elif tag in _EXPRESSION_TAGS or tag in _SCRIPT_TAGS:
            text = element.text or ""
            if text.strip():
                yield _Found(*_owner(element), text, script=tag in _SCRIPT_TAGS)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    for child in element:
        if _local(child) == "text":
            return child.text or ""
    return ""


def dmn_match_expressions(input_expression: str, entry: str) -> tuple[str, ...]:
    """The expressions SpiffWorkflow's DMN engine evaluates for one input entry (none for ``-``/empty).

    As in ``DMNEngine.evaluate``: a ``?`` outside quotes stands for the input (evaluated on its
    own); an entry that parses on its own is compared with ``==``; otherwise (``> 5``) it is
    appended to the input expression.
    """
    if not entry or entry == "-":
        return ()
    replaced = _QUESTION_MARK.sub(_DMN_INPUT, entry)
    if _DMN_INPUT in replaced:
        return (input_expression, replaced)
    if len(entry) <= MAX_SOURCE_CHARS:
        try:
            ast.parse(entry)
        except SyntaxError:
            return (input_expression + entry,)
        except (RecursionError, MemoryError, ValueError):
            pass  # refused below, as the compared expression
    return (f"({input_expression}) == ({entry})",)


def _dmn_expressions(root: etree._Element) -> Iterator[_Found]:
    for table in root.iter():
        if _local(table) != "decisionTable":
            continue
        inputs = []
        for child in (c for c in table if _local(c) == "input"):
            expression = _text(next((c for c in child if _local(c) == "inputExpression"), None))
            inputs.append(expression.strip())
            yield _Found(child.get("id") or "?", child.get("label") or "", expression)  # empty: refused
        for rule in (child for child in table if _local(child) == "rule"):
            entries = [child for child in rule if _local(child) == "inputEntry"]
            for entry, input_expression in zip(entries, inputs, strict=False):
                owner = (entry.get("id") or rule.get("id") or "?", rule.get("description") or "")
                yield _Found(*owner, _text(entry), dmn_input=input_expression)
            for entry in (child for child in rule if _local(child) == "outputEntry"):
                if _text(entry).strip():
                    yield _Found(entry.get("id") or rule.get("id") or "?", "", _text(entry))


@dataclass(frozen=True, slots=True)
class ModelExpression:
    """One expression or script a model file holds, as SpiffWorkflow will evaluate or execute it."""

    file: str
    element_id: str
    element_name: str
    source: str
    script: bool


def model_expressions(files: Mapping[str, bytes]) -> Iterator[ModelExpression]:
    """Every expression and script of the BPMN / DMN files (DMN entries combined with their input)."""
    for name in sorted(files):
        if not name.endswith((".bpmn", ".dmn")):
            continue
        body = files[name]
        if name.endswith(".dmn"):  # cells as dmn-js writes them (FEEL), read as SpiffWorkflow will run them
            try:
                body = translate_dmn(body)
            except FeelRefused as bad:
                raise ModelExpressionRefused(name, bad.element_id, "", bad, bad.source) from None
        root = etree.fromstring(body, _SAFE_XML)
        for found in _dmn_expressions(root) if name.endswith(".dmn") else _bpmn_expressions(root):
            if found.dmn_input is None:
                sources: tuple[str, ...] = (found.source,)
            else:
                sources = dmn_match_expressions(found.dmn_input, found.source)
            for source in sources:
                yield ModelExpression(name, found.element_id, found.element_name, source, found.script)


def check_model_expressions(files: Mapping[str, bytes], functions: Collection[str] = FUNCTION_NAMES) -> None:
    """Refuse (ModelExpressionRefused) a deployment whose BPMN / DMN files hold an expression
    outside the closed language or a call of an unregistered function; other files are ignored."""
    for found in model_expressions(files):
        try:
            compiled = compile_script(found.source) if found.script else compile_expression(found.source)
            compiled.check_functions(functions)
        except ExpressionRefused as err:
            raise ModelExpressionRefused(
                found.file, found.element_id, found.element_name, err, err.source or found.source
            ) from None
