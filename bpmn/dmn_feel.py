"""DMN cells as business users type them in dmn-js: FEEL unary tests, translated into the closed language.

dmn-js offers FEEL cell editors, SpiffWorkflow evaluates cells as Python, and the two disagree in
silence (a FEEL list ``"a","b"`` never matches in Python). So every input entry is read as a FEEL
unary test and rewritten, in the deployment's parsed copy only, into an expression of the closed
language over ``?`` (the input, as SpiffWorkflow's DMN engine names it):

* ``-`` or an empty cell: any value;
* a literal (``"初级工"``, ``5``, ``-2.5``, ``true``, ``false``, ``null``) or a task-data name: equal;
* a list ``"初级工","中级工"``: one of them (``? in ("初级工", "中级工")``);
* comparisons ``< 10``, ``<= 10``, ``> 3``, ``>= 3``;
* ranges ``[1..5]``, ``(1..5]``, ``]1..5]``, ``[1..5)``, ``[1..5[``: ``1 <= ? and ? <= 5`` and so on;
* ``not(…)`` of any of these;
* a cell over ``?`` (SpiffWorkflow's own form, ``? in ("a", "b")``) is kept as written.

Anything else is refused naming the cell. The translation is a pure function of the text, so the
stored files stay as the owner wrote them and their hash is stable. Hit policies: UNIQUE, FIRST,
COLLECT (optionally with SUM / COUNT / MIN / MAX); the others are refused by name.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from lxml import etree

from bpmn.expression_values import ExpressionRefused

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
AGGREGATIONS = ("SUM", "COUNT", "MIN", "MAX")
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"[^"\\\'?]*")|(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)'
    r"|(?P<op>\.\.|<=|>=|<|>|,|\(|\)|\[|\]|-))"
)
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # as in DMNEngine.evaluate
_WORDS = {"true": True, "false": False, "null": None}
_Literal = str | int | Decimal | bool | None


class FeelRefused(ExpressionRefused):
    """A DMN cell or table that is not FEEL we translate: the deployment is refused, naming it."""

    def __init__(self, element_id: str, message: str, source: str) -> None:
        super().__init__("FEEL", message, source)
        self.args = (element_id, message, source)
        self.element_id = element_id


@dataclass(frozen=True, slots=True)
class _Endpoint:
    code: str  # as the closed language writes it
    value: _Literal
    literal: bool  # False: a task-data name, known only when the table is evaluated


@dataclass(frozen=True, slots=True)
class UnaryTest:
    """One translated cell: its expression (None: any value) and what a deploy-time check can know of it."""

    expression: str | None
    literals: frozenset[_Literal] | None = None  # a positive list of literals only: the values it matches
    ranges: tuple[tuple[Decimal, bool, Decimal, bool], ...] = ()  # numeric (low, closed, high, closed)


def _tokens(text: str, cell: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            rest = text[position:].strip()[:20]
            raise FeelRefused(
                cell, f"无法识别的 FEEL 写法（从 {rest!r} 起；字符串请用双引号，内不含引号）", text
            )
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    """Recursive descent over the tokens of one cell."""

    def __init__(self, text: str, cell: str) -> None:
        self.text, self.cell_id = text, cell
        self.tokens = _tokens(text, cell)
        self.at = 0

    def refuse(self, why: str) -> FeelRefused:
        return FeelRefused(self.cell_id, why, self.text)

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise self.refuse("单元格不完整")
        self.at += 1
        return self.tokens[self.at - 1]

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise self.refuse(f"此处应为 {value}")

    def endpoint(self) -> _Endpoint:
        kind, value = self.take()
        if value == "-" and self.peek() is not None and self.tokens[self.at][0] == "number":
            number = self.take()[1]
            return _Endpoint(f"-{number}", -_number(number), True)
        if kind == "string":
            inner = value[1:-1]
            return _Endpoint(json.dumps(inner, ensure_ascii=False), inner, True)
        if kind == "number":
            return _Endpoint(value, _number(value), True)
        if kind == "name" and value in _WORDS:
            return _Endpoint(repr(_WORDS[value]), _WORDS[value], True)
        if kind == "name" and not keyword.iskeyword(value) and not value.startswith("_"):
            return _Endpoint(value, None, False)
        raise self.refuse(f"{value!r} 不是 FEEL 的字面量或数据名")

    def positive(self) -> UnaryTest:
        head = self.peek()
        if head in ("<", "<=", ">", ">="):
            self.take()
            bound = self.endpoint()
            return UnaryTest(f"? {head} {bound.code}", ranges=_comparison_range(head, bound))
        if head in ("[", "(", "]"):
            self.take()
            low = self.endpoint()
            self.expect("..")
            high = self.endpoint()
            closer = self.take()[1]
            if closer not in ("]", ")", "["):
                raise self.refuse("区间应以 ] 或 ) 结束")
            low_closed, high_closed = head == "[", closer == "]"
            code = (
                f"{low.code} {'<=' if low_closed else '<'} ? and ? {'<=' if high_closed else '<'} {high.code}"
            )
            numeric = isinstance(low.value, Decimal) and isinstance(high.value, Decimal)
            if numeric and low.literal and high.literal:
                assert isinstance(low.value, Decimal) and isinstance(high.value, Decimal)  # noqa: S101
                return UnaryTest(code, ranges=((low.value, low_closed, high.value, high_closed),))
            return UnaryTest(code)
        value = self.endpoint()
        literals = frozenset({value.value}) if value.literal else None
        return UnaryTest(f"? == {value.code}", literals=literals)

    def tests(self) -> UnaryTest:
        parts = [self.positive()]
        while self.peek() == ",":
            self.take()
            parts.append(self.positive())
        if len(parts) == 1:
            return parts[0]
        values = [p.literals for p in parts]
        if all(v is not None and len(v) == 1 for v in values) and not any(p.ranges for p in parts):
            codes = ", ".join(p.expression.removeprefix("? == ") for p in parts if p.expression)
            known = frozenset(x for v in values if v is not None for x in v)
            return UnaryTest(f"? in ({codes})", literals=known)
        ranges = tuple(r for p in parts for r in p.ranges)
        known_lists = [v for v in values if v is not None]
        if all(p.literals is not None or p.ranges for p in parts):
            literals = frozenset(x for v in known_lists for x in v) if known_lists else None
            return UnaryTest(" or ".join(f"({p.expression})" for p in parts), literals, ranges)
        return UnaryTest(" or ".join(f"({p.expression})" for p in parts))

    def cell(self) -> UnaryTest:
        if self.peek() == "not" and self.at + 1 < len(self.tokens) and self.tokens[self.at + 1][1] == "(":
            self.take()
            self.take()
            inner = self.tests()
            self.expect(")")
            result = UnaryTest(f"not ({inner.expression})")
        else:
            result = self.tests()
        if self.at != len(self.tokens):
            raise self.refuse(f"多余的内容 {self.tokens[self.at][1]!r}")
        return result


def _number(text: str) -> Decimal:
    return Decimal(text)


def _comparison_range(op: str, bound: _Endpoint) -> tuple[tuple[Decimal, bool, Decimal, bool], ...]:
    if not (bound.literal and isinstance(bound.value, Decimal)):
        return ()
    infinite = Decimal("Infinity")
    if op.startswith("<"):
        return ((-infinite, False, bound.value, op == "<="),)
    return ((bound.value, op == ">=", infinite, False),)


def unary_test(text: str | None, cell: str = "?") -> UnaryTest:
    """The closed-language expression of one FEEL unary-test cell (FeelRefused naming ``cell`` otherwise)."""
    stripped = (text or "").strip()
    if stripped in ("", "-"):
        return UnaryTest(None)
    # SpiffWorkflow's own form over `?` (no FEEL meaning): kept as written
    if _QUESTION_MARK.search(stripped):
        return UnaryTest(stripped)
    return _Parser(stripped, cell).cell()


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname) if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _entry_text(entry: etree._Element) -> etree._Element | None:
    return next(iter(_children(entry, "text")), None)


def _tables(root: etree._Element) -> list[etree._Element]:
    return [element for element in root.iter() if _local(element) == "decisionTable"]


def table_policy(table: etree._Element) -> tuple[str, str | None]:
    """The hit policy (UNIQUE when absent, as dmn-js writes it) and aggregation of a decision table."""
    policy = (table.get("hitPolicy") or "UNIQUE").strip().upper()
    aggregation = (table.get("aggregation") or "").strip().upper() or None
    table_id = table.get("id") or "?"
    if policy not in HIT_POLICIES:
        raise FeelRefused(table_id, f"命中策略 {policy} 不受支持：请用 UNIQUE、FIRST 或 COLLECT", policy)
    if aggregation is not None and (policy != "COLLECT" or aggregation not in AGGREGATIONS):
        raise FeelRefused(
            table_id, f"汇总方式 {aggregation} 不受支持：仅 COLLECT 可用 SUM、COUNT、MIN、MAX", aggregation
        )
    return policy, aggregation


def translate_dmn(body: bytes) -> bytes:
    """The DMN file with every input entry rewritten from FEEL into the closed language (``-`` for any)."""
    root = etree.fromstring(body, _SAFE_XML)
    for table in _tables(root):
        table_policy(table)
        for rule in _children(table, "rule"):
            for entry in _children(rule, "inputEntry"):
                text = _entry_text(entry)
                if text is None:
                    continue
                test = unary_test(text.text, entry.get("id") or rule.get("id") or "?")
                text.text = test.expression if test.expression is not None else "-"
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _overlap(a: UnaryTest, b: UnaryTest) -> bool:
    """Whether two cells provably share a value (False: they may not, or nothing can be proved)."""
    if a.expression is None or b.expression is None:
        return True
    if a.literals is not None and b.literals is not None and a.literals & b.literals:
        return True
    for low_a, closed_a, high_a, closed_ha in a.ranges:
        for low_b, closed_b, high_b, closed_hb in b.ranges:
            low, low_closed = max((low_a, closed_a), (low_b, closed_b), key=lambda x: (x[0], not x[1]))
            high, high_closed = min((high_a, closed_ha), (high_b, closed_hb), key=lambda x: (x[0], x[1]))
            if low < high or (low == high and low_closed and high_closed):
                return True
    for literals, ranges in ((a.literals, b.ranges), (b.literals, a.ranges)):
        for value in literals or ():
            if isinstance(value, Decimal) and any(_in_range(value, r) for r in ranges):
                return True
    return False


def _in_range(value: Decimal, bounds: tuple[Decimal, bool, Decimal, bool]) -> bool:
    low, low_closed, high, high_closed = bounds
    above = value > low or (low_closed and value == low)
    return above and (value < high or (high_closed and value == high))


def unique_overlaps(body: bytes) -> list[tuple[str, str, str]]:
    """(table, rule, rule) of every UNIQUE table whose two rules provably match the same input."""
    found: list[tuple[str, str, str]] = []
    root = etree.fromstring(body, _SAFE_XML)
    for table in _tables(root):
        if table_policy(table)[0] != "UNIQUE":
            continue
        rows = []
        for rule in _children(table, "rule"):
            cells = []
            for entry in _children(rule, "inputEntry"):
                text = _entry_text(entry)
                cells.append(unary_test(text.text if text is not None else None, entry.get("id") or "?"))
            rows.append((rule.get("id") or "?", cells))
        for (first, cells_a), (second, cells_b) in combinations(rows, 2):
            if all(_overlap(a, b) for a, b in zip(cells_a, cells_b, strict=False)):
                found.append((table.get("id") or "?", first, second))
    return found
