"""The id-free digest of a snapshot, recorded with each event and compared by replay and integrity."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from threading import Lock

_STATE_CHANGE = re.compile(r'"last_state_change":\s*[-0-9.eE+]+')
_QUOTED_UUID = re.compile(r'"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')


_DIGESTS: OrderedDict[bytes, str] = OrderedDict()
_DIGESTS_LOCK = Lock()
_DIGESTS_KEPT = 4096


def snapshot_digest(text: str) -> str:
    """The digest of a snapshot with every task id replaced by its order of appearance.

    Spiff's task ids are random, so the digest recorded with each event (and compared by replay)
    is taken over a canonical form. Computing it costs about half a millisecond on a paid case, and
    every command checks the stored snapshot against it: the digests of snapshot texts this
    process has seen are kept by the text's sha256, so a snapshot the process wrote is checked
    at the cost of one sha256, and any other text (an edited one) is digested in full.
    """
    key = hashlib.sha256(text.encode()).digest()
    with _DIGESTS_LOCK:
        found = _DIGESTS.get(key)
        if found is not None:
            _DIGESTS.move_to_end(key)
            return found
    # Every id is a whole JSON string: split on quoted ids, the odd pieces are the ids in order (in
    # JSON text two strings never share a quote, so this finds exactly the strings that are ids).
    parts = _QUOTED_UUID.split(text)
    ids: dict[str, str] = {}
    for i in range(1, len(parts), 2):
        parts[i] = ids.setdefault(parts[i], f'"#{len(ids)}"')
    canonical = _STATE_CHANGE.sub('"last_state_change":0', "".join(parts))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    with _DIGESTS_LOCK:
        _DIGESTS[key] = digest
        if len(_DIGESTS) > _DIGESTS_KEPT:
            _DIGESTS.popitem(last=False)
    return digest
