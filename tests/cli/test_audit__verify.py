"""`subsidyflow audit`: anchor, export, prove and verify; a rewritten history and a forged root are named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cases.anchors import Head, leaf_hash, root_from_path
from cli.main import app
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store import event_log
from store.tables import CaseEvent, CaseRow

EXAMPLES = Path(__file__).parents[3] / "shared" / "scenarios" / "examples"


@pytest.fixture
def played(tmp_path: Path) -> Iterator[tuple[ScenarioRun, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    text, scenario = read_scenario(EXAMPLES / "01_happy_path.yaml")
    run = ScenarioRun(scenario, text, BusinessCalendar(), url)
    assert run.run()["ok"]
    env = {"SUBSIDYFLOW_DATABASE_URL": url, "SUBSIDYFLOW_ANCHOR_KEY": str(tmp_path / "keys" / "anchor.pem")}
    yield run, env
    run.close()


def _rewrite_consistently(run: ScenarioRun, seq: int) -> None:
    """Edit an event and recompute every hash after it, the case row's head too: a careful forger."""
    with Session(run.rt.db) as session:
        events = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == 1).order_by(col(CaseEvent.seq))
        ).all()
        prev = events[seq - 2].hash
        for event in events[seq - 1 :]:
            if event.seq == seq:
                event.actor = "mallory"
            event.prev_hash = prev
            event.hash = event_log.rehash(event)
            prev = event.hash
            session.add(event)
        case = session.get(CaseRow, 1)
        assert case is not None
        case.head_hash = prev
        session.add(case)
        session.commit()


def test_anchor_export_prove_and_verify_then_name_a_rewrite(
    played: tuple[ScenarioRun, dict[str, str]], tmp_path: Path
) -> None:
    run, env = played
    runner = CliRunner()
    made = runner.invoke(app, ["audit", "anchor"], env=env)
    assert made.exit_code == 0, made.output
    assert "已生成" in made.output and "1 个案件的链头" in made.output
    assert "今日已有" in runner.invoke(app, ["audit", "anchor"], env=env).output  # one root a day
    out = tmp_path / "roots.jsonl"
    assert runner.invoke(app, ["audit", "anchors", "--out", str(out)], env=env).exit_code == 0
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {"day", "root", "count", "signature", "public_key"} <= set(line) and line["count"] == 1
    proof = runner.invoke(app, ["audit", "proof", "1"], env=env)
    assert proof.exit_code == 0, proof.output
    (included,) = json.loads(proof.output)
    assert included["seq"] == 17 and included["root"] == line["root"]
    assert root_from_path(included["leaf"], included["path"]) == line["root"]
    clean = runner.invoke(app, ["audit", "verify", "--all", "--published", str(out)], env=env)
    assert clean.exit_code == 0, clean.output
    assert "全部一致" in clean.output and "1 个已锚定" in clean.output and "17 个事件" in clean.output

    _rewrite_consistently(run, 5)
    with Session(run.rt.db) as session:  # the forger's chain holds by itself: only the root can tell
        assert event_log.verify_chain(session, 1) is None
    rewritten = runner.invoke(app, ["audit", "verify"], env=env)
    assert rewritten.exit_code == 1
    assert "公布后历史被改写" in rewritten.output and "第 17 个事件的哈希" in rewritten.output


def test_a_forged_root_fails_its_signature(
    played: tuple[ScenarioRun, dict[str, str]], tmp_path: Path
) -> None:
    run, env = played
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "anchor"], env=env).exit_code == 0
    out = tmp_path / "roots.jsonl"
    runner.invoke(app, ["audit", "anchors", "--out", str(out)], env=env)
    line = json.loads(out.read_text(encoding="utf-8"))
    # a forger publishes the root of the rewritten history under the bureau's signature
    _rewrite_consistently(run, 5)
    with Session(run.rt.db) as session:
        head = event_log.head(session, 1)
        assert head is not None
        line["root"] = leaf_hash(Head(1, head.seq, head.hash))
    out.write_text(json.dumps(line) + "\n", encoding="utf-8")
    forged = runner.invoke(app, ["audit", "verify", "--published", str(out)], env=env)
    assert forged.exit_code == 1
    assert "签名不符" in forged.output and "签名无效（伪造或被改动）" in forged.output
    other = runner.invoke(app, ["audit", "verify", "--public-key", "00" * 32], env=env)
    assert other.exit_code == 1 and "不是本局密钥所签" in other.output
