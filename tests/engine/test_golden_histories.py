"""Recorded histories from earlier versions replay, step by step, to the digests they recorded.

Each golden file (`tests/golden/`, written once by `scripts/golden_histories.py` and never
rewritten) holds deployments and the events and last snapshot of every case it played. Today's
engine, serializer and digest must rebuild every case to the digest recorded after each event, and
read each last snapshot back to the state it sealed: a stored case of any bureau keeps replaying
after an upgrade.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bpmn.clock import VirtualClock
from bpmn.engine import TRIMS, CaseRun, load_deployment, snapshot_digest
from cases.replay import rebuild

GOLDEN = sorted((Path(__file__).resolve().parents[1] / "golden").glob("histories_v*.json.gz"))


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return loaded


def _events(case: dict[str, Any]) -> list[Any]:
    return [
        SimpleNamespace(
            seq=e["seq"],
            type=e["type"],
            at=datetime.fromisoformat(e["at"]),
            payload=e["payload"],
            digest=e["digest"],
        )  # fmt: skip
        for e in case["events"]
    ]


def test_there_is_a_golden_file() -> None:
    assert GOLDEN, "tests/golden/histories_v*.json.gz missing"


@pytest.mark.parametrize("path", GOLDEN, ids=[p.name for p in GOLDEN])
def test_every_recorded_case_replays_to_its_recorded_digests(path: Path) -> None:
    golden = _load(path)
    deployments = {
        key: load_deployment(key, {name: body.encode() for name, body in files.items()})
        for key, files in golden["deployments"].items()
    }
    assert len(golden["cases"]) >= 20
    diverged = []
    for case in golden["cases"]:
        deployment = deployments[case["deployment"]]
        events = _events(case)
        run, findings = rebuild(deployment, events)
        if findings or run is None or run.digest() != case["digest"]:
            diverged.append((case["source"], case["label"], [f.detail for f in findings]))
    assert diverged == []


@pytest.mark.parametrize("path", GOLDEN, ids=[p.name for p in GOLDEN])
def test_every_stored_snapshot_loads_to_the_state_it_sealed(path: Path) -> None:
    golden = _load(path)
    deployments = {
        key: load_deployment(key, {name: body.encode() for name, body in files.items()})
        for key, files in golden["deployments"].items()
    }
    for case in golden["cases"]:
        deployment = deployments[case["deployment"]]
        assert snapshot_digest(case["snapshot"]) == case["digest"] == case["events"][-1]["digest"]
        clock = VirtualClock(datetime.fromisoformat(case["events"][-1]["at"]))
        run = CaseRun.load(deployment, case["snapshot"], deployment.environment, clock)
        assert run.snapshot() and run.digest() == case["digest"], (case["source"], case["label"])


def test_histories_from_v2_on_were_recorded_trimmed() -> None:
    """v1 holds cases from before trimming (no flag); v2 holds trimmed ones, so both formats keep replaying."""
    for path in GOLDEN:
        version = int(path.name.removeprefix("histories_v").split(".")[0])
        for case in _load(path)["cases"]:
            first = case["events"][0]["payload"]
            assert (first.get(TRIMS) is True) is (version >= 2), (path.name, case["label"])
            assert (TRIMS in json.loads(case["snapshot"])) is (version >= 2)
