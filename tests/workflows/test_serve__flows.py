"""`subsidyflow serve` runs the web app and the flows in one command: a due timer fires without anyone asking,
and Ctrl-C (SIGINT) stops it all, exit 0, within a bound. A real process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from datetime import datetime
from pathlib import Path

import httpx
from sqlmodel import Session, select
from tests_support import application

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from store.db import make_engine
from store.migrate import upgrade
from store.tables import CaseEvent

ROOT = Path(__file__).resolve().parents[2]
UP_WITHIN = 60.0  # seconds for the web app to answer
FIRED_WITHIN = 120.0  # seconds for the first flow run (Prefect's local API starts first: 8–14 s idle)
STOPPED_WITHIN = 45.0  # seconds from SIGINT to exit (a flow run in progress ends first)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def timers_fired(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return len(session.exec(select(CaseEvent).where(CaseEvent.type == "timers_fired")).all())
    finally:
        engine.dispose()


def test_serve_runs_web_and_flows_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'subsidyflow.db'}"
    engine = make_engine(url)
    upgrade(engine)
    rt = Runtime(engine, VirtualClock(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)), BusinessCalendar(), Policy())
    with Session(engine) as session:
        seed_demo_catalogue(session)
        ensure_user(session, "jyjs", "applicant")
        session.commit()
    filed = submit_task(
        rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
        data=application("serve", 3, batch="2026-焊工-V1", start_date="2026-03-16"),
    )  # fmt: skip
    assert filed.ok, filed
    engine.dispose()
    port = free_port()
    env = {**os.environ, "SUBSIDYFLOW_DATABASE_URL": url, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(  # noqa: S603 - our own command
        [str(ROOT / ".venv" / "bin" / "subsidyflow"), "serve", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + UP_WITHIN
        while True:
            assert process.poll() is None, process.communicate()[1][-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:  # noqa: PLR2004
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the web app did not answer"
            time.sleep(0.5)
        deadline = time.monotonic() + FIRED_WITHIN
        while timers_fired(url) == 0:  # nobody asked: the fire_timers flow found the due timer
            assert process.poll() is None, process.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the due timer did not fire"
            time.sleep(1)
        stopping = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=STOPPED_WITHIN)
        assert process.returncode == 0, err[-3000:]
        assert time.monotonic() - stopping < STOPPED_WITHIN
        assert "已停止" in out
        assert (tmp_path / "prefect").is_dir()  # Prefect's state under the given home, not ~/.prefect
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
