"""Field paths, Chinese labels and plain-Chinese messages for the schema violations of a form."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from jsonschema.exceptions import ValidationError

Path = tuple[str | int, ...]

_TYPE_WORDS = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "是或否（true / false）",
    "array": "列表",
    "object": "一组「字段: 值」",
}
# When one field breaks several keywords, the most helpful message wins: a list of the
# allowed values says more than "须为文字", a date format more than "须为文字".
_RANK = {"required": 0, "additionalProperties": 0, "enum": 1, "type": 2, "format": 3}
_DEFAULT_RANK = 4
_DATE_EXAMPLE = "2026-03-09"
_PLAIN_KEY = re.compile(r"[^.\[\]]+")


@dataclass(frozen=True, slots=True)
class Finding:
    """One refused field of a form, before it becomes a Violation."""

    path: Path
    rank: int
    message: str


def _key_text(step: str) -> str:
    """A key as a path step: plain as it is, quoted in brackets when empty or holding ``.``, ``[`` or ``]``."""
    return step if _PLAIN_KEY.fullmatch(step) else f"[{json.dumps(step, ensure_ascii=False)}]"


def field_path(path: Path) -> str | None:
    """The contract's field syntax: ``roster[3].id_number``; None for the form as a whole.

    Distinct paths give distinct names: a key that is empty or holds ``.``, ``[`` or ``]`` is written
    quoted in brackets (``[""]``, ``["a.b"]``), so ``("", "")`` is never confused with ``("",)``.
    """
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            text = _key_text(step)
            out = f"{out}.{text}" if out and not text.startswith("[") else out + text
    return out if path else None


def _child(node: Mapping[str, Any] | None, step: str | int) -> Mapping[str, Any] | None:
    """The subschema that describes ``step`` inside ``node`` (None when the schema says nothing)."""
    if node is None:
        return None
    if isinstance(step, int):
        return cast("Mapping[str, Any] | None", node.get("items"))
    return cast("Mapping[str, Any] | None", node.get("properties", {}).get(step))


def label(root: Mapping[str, Any], path: Path) -> str:
    """The Chinese name of the field at ``path``, e.g. 花名册第4人的身份证号."""
    text = ""
    node: Mapping[str, Any] | None = root
    for step in path:
        if isinstance(step, int):
            template = node.get("x-item-label", "第{n}项") if node is not None else "第{n}项"
            text += template.format(n=step + 1)
        else:
            child = _child(node, step)
            title = child.get("title", step) if child is not None else step
            text = f"{text}的{title}" if text else title
        node = _child(node, step)
    return text or str(root.get("title", "表单"))


def order_key(root: Mapping[str, Any], path: Path) -> tuple[tuple[int, str], ...]:
    """Sort key putting fields in form order (x-order, then item index); unknown fields last."""
    key: list[tuple[int, str]] = []
    node: Mapping[str, Any] | None = root
    for step in path:
        if isinstance(step, int):
            key.append((step, ""))
        else:
            order: Sequence[str] = node.get("x-order", ()) if node is not None else ()
            key.append((order.index(step) if step in order else len(order), step))
        node = _child(node, step)
    return tuple(key)


def _example(schema: Mapping[str, Any]) -> Any:
    """The first example the schema gives for a field, or None."""
    examples = schema.get("examples") or [None]
    return examples[0]


def _choices(schema: Mapping[str, Any]) -> str:
    """The allowed values of an enum field, with their Chinese titles where the value is a code."""
    titles: Mapping[str, str] = schema.get("x-enum-titles", {})
    return "、".join(f"{v}（{titles[v]}）" if v in titles else str(v) for v in schema["enum"])


def _type_message(schema: Mapping[str, Any], instance: Any, name: str) -> str:
    """Wrong JSON type: say which type, with an example where one helps."""
    expected = schema.get("type")
    example = _example(schema)
    if expected == "string" and isinstance(instance, int | float) and not isinstance(instance, bool):
        hint = f'，例如 "{example}"' if example is not None else ""
        return f"{name} 须为文字，数字请加引号{hint}"
    word = _TYPE_WORDS.get(str(expected), str(expected))
    if expected in ("integer", "number") and example is not None:
        return f"{name} 须为{word}，例如 {example}"
    return f"{name} 须为{word}"


def message(keyword: str, schema: Mapping[str, Any], instance: Any, expected: Any, name: str) -> str:
    """What to tell the user when ``instance`` breaks ``keyword`` (whose value is ``expected``)."""
    if "enum" in schema and keyword in ("enum", "type"):
        return f"{name} 只能是：{_choices(schema)}"
    if schema.get("format") == "date" and keyword in ("type", "format"):
        return f"{name} 须为日期，格式 YYYY-MM-DD，例如 {_example(schema) or _DATE_EXAMPLE}"
    if keyword == "type":
        return _type_message(schema, instance, name)
    if keyword == "pattern":
        return f"{name} {schema.get('x-messages', {}).get('pattern', '格式不对')}"
    simple = {
        "minimum": f"{name} 不能小于 {expected}",
        "maximum": f"{name} 不能大于 {expected}",
        "minLength": f"{name} 不能为空" if expected == 1 else f"{name} 至少 {expected} 个字",
        "maxLength": f"{name} 最多 {expected} 个字",
        "minItems": f"{name} 不能为空，至少填 {expected} 项",
        "maxItems": f"{name} 最多填 {expected} 项",
        "uniqueItems": f"{name} 有重复的项，每项只能填一次",
    }
    if keyword in simple:
        return simple[keyword]
    return f"{name} 填写有误，请按说明修改：{schema.get('description', '')}"


def findings(error: ValidationError, root: Mapping[str, Any]) -> list[Finding]:
    """The refused fields one jsonschema error stands for (a missing or unknown field gets its own path)."""
    path: Path = tuple(error.absolute_path)
    keyword = str(error.validator)
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance = cast(Any, error.instance)
    expected = cast(Any, error.validator_value)
    rank = _RANK.get(keyword, _DEFAULT_RANK)
    if keyword == "required":
        missing = [name for name in expected if name not in instance]
        return [Finding((*path, n), rank, f"缺少必填项：{label(root, (*path, n))}") for n in missing]
    if keyword == "additionalProperties":
        known = schema.get("properties", {})
        where = f"{label(root, path)}：" if path else ""
        return [
            Finding((*path, str(n)), rank, f"{where}不认识的字段 {n}，请删除")
            for n in instance
            if n not in known
        ]
    return [Finding(path, rank, message(keyword, schema, instance, expected, label(root, path)))]
