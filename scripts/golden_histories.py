"""Write a golden file of recorded case histories: what today's engine recorded, for every later version to replay.

    .venv/bin/python scripts/golden_histories.py tests/golden/histories_v1.json.gz

Each file holds the deployment's files (models, forms, policy, calendar) and, per case, every event
as stored (type, actor, time, payload, the engine digest) and the last snapshot. The contract's
example scenarios and a generated stream of one institution's year (returns, cancellations,
objections, fraud, late reviewers) are played. `tests/engine/test_golden_histories.py` replays
every golden file with the code of the day: a change to the engine, the serializer or the digest
that would make a stored case diverge fails there. A file is never rewritten; a new engine or
snapshot format adds a new file beside the old ones (as SpiffWorkflow keeps one per serializer
version).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import stream_text
from domain.calendar import BusinessCalendar
from store.tables import CaseEvent, CaseRow, DeploymentFile
from workflows.year_generator import YearSpec, generate_year

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT.parent / "shared" / "scenarios"


def _played(run: ScenarioRun, source: str) -> dict[str, Any]:
    with run.rt.session() as session:
        deployments: dict[str, dict[str, str]] = {}
        cases = []
        for case in session.exec(select(CaseRow).order_by(col(CaseRow.id))):
            if case.deployment_id not in deployments:
                rows = session.exec(
                    select(DeploymentFile).where(DeploymentFile.deployment_id == case.deployment_id)
                )
                deployments[case.deployment_id] = {r.name: r.content for r in rows}
            events = session.exec(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
            )
            cases.append({
                "source": source, "label": case.label, "deployment": case.deployment_id, "status": case.status,
                "snapshot": case.snapshot, "digest": case.digest,
                "events": [{"seq": e.seq, "type": e.type, "at": e.at.isoformat(), "payload": e.payload,
                            "digest": e.digest} for e in events],
            })  # fmt: skip
    return {"deployments": deployments, "cases": cases}


def main(target: str) -> None:
    calendar = BusinessCalendar()
    out: dict[str, Any] = {"deployments": {}, "cases": []}
    sources = sorted([*SCENARIOS.glob("examples/*.yaml"), *SCENARIOS.glob("examples-v2/*.yaml")])
    plays = [(p.name, parse_scenario(p.read_text(encoding="utf-8"), p.name), p.read_text(encoding="utf-8"))
             for p in sources]  # fmt: skip
    for stream in generate_year(YearSpec(cases=40, seed=11), calendar, shipped_policy())[:1]:
        text = stream_text(stream)
        plays.append((f"generated:{stream.institution}", parse_scenario(text, "generated"), text))
    for name, scenario, text in plays:
        run = ScenarioRun(scenario, text, calendar)
        try:
            run.run()
            played = _played(run, name)
        finally:
            run.close()
        out["deployments"].update(played["deployments"])
        out["cases"] += played["cases"]
    text = json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    Path(target).write_bytes(gzip.compress(text.encode(), mtime=0))  # gzip: JSON of ~4 MB, mostly snapshots
    print(f"{target}: {len(out['cases'])} cases, {sum(len(c['events']) for c in out['cases'])} events")


if __name__ == "__main__":
    main(sys.argv[1])
