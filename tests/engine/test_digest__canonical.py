"""The snapshot digest's canonical form: every JSON string that is a task id becomes its order of appearance."""

from __future__ import annotations

import hashlib
import json
import re
import uuid

import pytest

from bpmn.engine import snapshot_digest

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _by_definition(text: str) -> str:
    """The definition, written plainly (the first implementation): every piece between quotes that is a
    whole id is renamed #0, #1, … in order of appearance."""
    parts = text.split('"')
    ids: dict[str, str] = {}
    for i, part in enumerate(parts):
        if _ID.fullmatch(part):
            parts[i] = ids.setdefault(part, f"#{len(ids)}")
    canonical = re.sub(r'"last_state_change":\s*[-0-9.eE+]+', '"last_state_change":0', '"'.join(parts))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _ids(n: int, seed: int) -> list[str]:
    return [str(uuid.UUID(int=(seed * 7919 + i) * 104729 + 1)) for i in range(n)]


@pytest.mark.parametrize("seed", range(5))
def test_the_digest_follows_its_definition_on_snapshot_shaped_json(seed: int) -> None:
    a, b, c = _ids(3, seed)
    doc = {
        "tasks": {a: {"id": a, "parent": None, "children": [b, c], "last_state_change": 1.5 + seed},
                  b: {"id": b, "parent": a, "children": [], "data": {"comment": f'说 "{c}" 与 {a}', "n": seed}},
                  c: {"id": c, "parent": a, "children": [], "data": {"note": f"{b}x", "upper": b.upper(),
                                                                      "odd": f'一个引号 " 然后 {a}"{b}'}}},
        "root": a, "last_task": c,
    }  # fmt: skip
    for text in (json.dumps(doc, ensure_ascii=False), json.dumps(doc)):
        assert snapshot_digest(text) == _by_definition(text)


def test_the_same_state_under_other_ids_has_the_same_digest_and_a_changed_state_another() -> None:
    def text(ids: list[str], value: int) -> str:
        a, b = ids
        return json.dumps(
            {"tasks": {a: {"children": [b]}, b: {"parent": a, "data": {"v": value}}}, "root": a}
        )

    assert snapshot_digest(text(_ids(2, 1), 1)) == snapshot_digest(text(_ids(2, 2), 1))
    assert snapshot_digest(text(_ids(2, 1), 1)) != snapshot_digest(text(_ids(2, 1), 2))
    swapped = list(reversed(_ids(2, 1)))  # the ids exchanged: the same state (an id is only a name)
    assert snapshot_digest(text(swapped, 1)) == snapshot_digest(text(_ids(2, 1), 1))
    a, b = _ids(2, 3)
    tied = json.dumps({"tasks": {a: {"children": [b]}, b: {"children": [a]}}})
    chain = json.dumps({"tasks": {a: {"children": [b]}, b: {"children": [b]}}})
    assert snapshot_digest(tied) != snapshot_digest(chain)
