"""The daily step: one signed root a day over every case's head, each case provably inside it."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from cases.anchor_audit import case_ids, check_case, check_roots
from cases.anchors import chain_heads, proofs, public_key_hex, published_roots, root_from_path, signing_key
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.audit_tables import AnchorLeaf
from workflows.anchors import anchor_today

SIX_CASES = Path(__file__).parents[1] / "scenarios" / "31_roster_trained_other_case.yaml"


@pytest.fixture
def six(tmp_path: Path) -> ScenarioRun:
    text, scenario = read_scenario(SIX_CASES)
    run = ScenarioRun(scenario, text, BusinessCalendar())
    assert run.run()["ok"]
    return run


def test_anchor_today_signs_one_root_a_day_over_every_head(six: ScenarioRun, tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "anchor_key.pem"
    first = anchor_today(six.rt, key_file)
    assert first.made and first.count == 6
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = anchor_today(six.rt, key_file)
    assert (again.made, again.root) == (False, first.root)  # idempotent within the day
    six.clock.move_to(six.clock.now() + timedelta(days=1))
    tomorrow = anchor_today(six.rt, key_file)
    assert tomorrow.made and tomorrow.day != first.day and tomorrow.root == first.root  # nothing moved
    with Session(six.rt.db) as session:
        roots = published_roots(session)
        assert [r.day for r in roots] == [first.day, tomorrow.day]
        trusted = public_key_hex(signing_key(key_file))
        assert check_roots(session, roots, trusted) == []
        by_day = {r.day: r for r in roots}
        for case_id in case_ids(session):
            audit = check_case(session, case_id, by_day)
            assert audit.findings == () and audit.anchored == (first.day, tomorrow.day)
            for proof in proofs(session, case_id):
                assert root_from_path(proof["leaf"], proof["path"]) == by_day[proof["day"]].root
        heads = chain_heads(session)
        leaves = session.exec(select(AnchorLeaf).where(AnchorLeaf.day == first.day)).all()
        assert sorted((leaf.case_id, leaf.seq, leaf.hash) for leaf in leaves) == [
            (h.case_id, h.seq, h.hash) for h in heads
        ]


def test_a_tampered_leaf_no_longer_builds_the_signed_root(six: ScenarioRun, tmp_path: Path) -> None:
    anchor_today(six.rt, tmp_path / "key.pem")
    with Session(six.rt.db) as session:
        leaf = session.exec(select(AnchorLeaf)).first()
        assert leaf is not None
        leaf.hash = "f" * 64
        session.add(leaf)
        session.commit()
        found = check_roots(session, published_roots(session), None)
        assert [f.kind for f in found] == ["root"] and "锚定记录被改动" in found[0].detail
