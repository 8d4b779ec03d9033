"""The flows run through Prefect itself (a temporary API, started once for this module: it costs seconds).

Each flow reads its settings from the environment, as in a worker: a SQLite file made by the
migrations, with a case whose SLA timer is due, and a case paid in May 2026 for the monthly report.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from prefect.settings import PREFECT_HOME, temporary_settings
from prefect.testing.utilities import prefect_test_harness
from sqlmodel import Session, select
from tests_support import application

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.db import make_engine
from store.migrate import upgrade
from store.orchestration_tables import ReportFile
from store.tables import Timer
from workflows.flows import disburse_payments, escalate_sla, fire_timers, monthly_report

HAPPY = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("prefect-home")  # never ~/.prefect: tests share no state with the demo
    with temporary_settings({PREFECT_HOME: str(home)}), prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'subsidyflow.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", url)
    monkeypatch.delenv("SUBSIDYFLOW_GATEWAY_URL", raising=False)
    return url


def test_fire_timers_runs_as_a_prefect_flow_and_fires_a_due_timer_once(
    prefect_api: None, database: str
) -> None:
    from cli.catalogue_seed import seed_demo_catalogue
    from store.catalogue import ensure_user

    engine = make_engine(database)
    rt = Runtime(engine, VirtualClock(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)), BusinessCalendar(), Policy())
    with Session(engine) as session:
        seed_demo_catalogue(session)
        ensure_user(session, "jyjs", "applicant")
        session.commit()
    filed = submit_task(
        rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
        data=application("prefect", 3, batch="2026-焊工-P1", start_date="2026-03-16"),
    )  # fmt: skip
    assert filed.ok, filed
    state = fire_timers(return_state=True)  # the real clock: the March deadline is long past
    assert state.is_completed()
    assert state.result()["moved"] == 1
    assert fire_timers()["moved"] == 0
    with Session(engine) as session:
        assert session.exec(select(Timer)).all() == []
    assert escalate_sla(return_state=True).is_completed()
    assert "SUBSIDYFLOW_GATEWAY_URL" in disburse_payments()["skipped"]  # no gateway configured: nothing sent
    engine.dispose()


def test_monthly_report_flow_keeps_an_xlsx_and_a_pdf_once(prefect_api: None, database: str) -> None:
    doc = yaml.safe_load(HAPPY.read_text(encoding="utf-8"))
    text = yaml.safe_dump(doc, allow_unicode=True)
    run = ScenarioRun(parse_scenario(text, "report.yaml"), text, BusinessCalendar(), database)
    assert run.run()["ok"]
    run.close()
    first = monthly_report(period="2026-05")
    assert set(first) == {"xlsx", "pdf"}
    assert monthly_report(period="2026-05") == first  # kept: not written again
    engine = make_engine(database)
    with Session(engine) as session:
        files = {r.format: r for r in session.exec(select(ReportFile).where(ReportFile.period == "2026-05"))}
    engine.dispose()
    assert {f: r.sha256 for f, r in files.items()} == first
    sheet = load_workbook(io.BytesIO(files["xlsx"].content))["月度进度"]
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=3)}
    assert rows["合计"][5] > 0  # the happy path's subsidy was paid in May
    assert files["pdf"].content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text_out = subprocess.run(  # noqa: S603 - fixed arguments
            [pdftotext, "-", "-"],
            input=files["pdf"].content,
            capture_output=True,
            check=True,  # noqa: S607
        ).stdout.decode()
        assert "月度进度报表" in text_out and "济源技师学院" in text_out  # Chinese, not empty boxes
