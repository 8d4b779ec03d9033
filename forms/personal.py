"""Which fields of a form hold personal data: the ones its JSON Schema marks ``"x-personal": true``.

A path names a field from the form's top: a key, or ``*`` for every item of a list (the roster's
``("roster", "*", "id_number")``). The kind of a value is its field's name (``id_number``, ``phone``,
``contact_phone``, ``bank_account``, ``name``, ``contact_name``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from forms.catalogue import FORM_IDS, load_schema

Path = tuple[str, ...]
ITEMS = "*"


def _walk(node: Mapping[str, Any], prefix: Path) -> list[Path]:
    found: list[Path] = []
    for key, sub in (node.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        if sub.get("x-personal") is True:
            found.append((*prefix, str(key)))
        found.extend(_walk(sub, (*prefix, str(key))))
        items = sub.get("items")
        if isinstance(items, Mapping):
            found.extend(_walk(items, (*prefix, str(key), ITEMS)))
    return found


def paths_of_schema(schema: Mapping[str, Any]) -> tuple[Path, ...]:
    """The personal fields of a JSON Schema, in the order the schema lists them."""
    return tuple(_walk(schema, ()))


@cache
def personal_paths(form_id: str) -> tuple[Path, ...]:
    """The personal fields of a catalogue form (none for a form that is not in the catalogue)."""
    return paths_of_schema(load_schema(form_id)) if form_id in FORM_IDS else ()


def kind_of(path: Path) -> str:
    """The kind of the values at a path: its field's name."""
    return path[-1]
