"""The whole product against the reference gateway process: the payment step pays a case exactly once.

The happy-path scenario is played with the payment step sending to the reference server, scripted
as a scenario's ``gateway:`` list would be (lost_reply, error, then ok): the case ends paid, the
server holds one payment, and the case's payment row carries the server's first reference.
"""

from __future__ import annotations

from pathlib import Path

from gateway_server import reference_gateway
from sqlmodel import select

from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from store.tables import Payment
from workflows.gateway.http import HttpGateway

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


def test_a_lost_reply_then_a_500_still_pay_the_case_once(tmp_path: Path) -> None:
    # the retries (1 min, then 5 min) need time after the disbursement: the file's `end:`
    text = HAPPY.read_text(encoding="utf-8").replace("expect:", "end: 2026-05-09T09:00:00+08:00\nexpect:", 1)
    with reference_gateway(tmp_path / "gateway.db", "lost_reply", "error", hang=1.5) as server:
        adapter = HttpGateway(server.url, timeout=0.5)
        run = ScenarioRun(parse_scenario(text, HAPPY.name), text, BusinessCalendar())
        run.machinery.gateway = adapter
        try:
            result = run.run()
            case_id = run.cases["main"]
            with run.rt.session() as session:
                payment = session.exec(select(Payment).where(Payment.case_id == case_id)).one()
        finally:
            run.close()
            adapter.close()
        stats = server.stats()
    assert result["cases"]["main"]["status"] == "paid", result
    assert stats["payments"] == 1 and stats["requests"] == 3
    assert (payment.status, payment.attempts, payment.reference) == ("paid", 3, "REF-00000001")
