"""Evidence cited by tasks: uploaded for the case first, recorded by hash in the event, re-hashed by verify."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_support import (
    JPEG,
    OPENING_DAY_CHECK,
    PDF,
    TEXT,
    case_at_opening_day,
    cases_at_opening_day,
    seed,
)
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.evidence import Upload, upload
from cases.evidence_audit import evidence_findings
from cases.runtime import Runtime
from cli.main import app
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store.evidence_tables import Evidence
from store.tables import CaseEvent


@pytest.fixture
def rt(sqlite_db: Engine, clock: VirtualClock, calendar: BusinessCalendar) -> Runtime:
    runtime = Runtime(sqlite_db, clock, calendar, Policy())
    seed(runtime)
    return runtime


def _upload(rt: Runtime, root: Path, case_id: int, *uploads: Upload, user: str = "sun") -> tuple[str, ...]:
    outcome = upload(rt, root, case_id=case_id, user=user, roles=("inspector",), uploads=uploads)
    assert outcome.ok, outcome.errors
    return outcome.hashes


def _check(rt: Runtime, case_id: int, evidence: list[str]) -> tuple[bool, list[dict[str, str | None]]]:
    outcome = submit_task(
        rt, case_id=case_id, actor=Actor("sun", "inspector"), task_key="opening_day_check",
        data={**OPENING_DAY_CHECK, "evidence": evidence},
    )  # fmt: skip
    return outcome.ok, [v.as_dict() for v in outcome.errors]


def _last_payload(rt: Runtime, case_id: int) -> dict[str, object]:
    with Session(rt.db) as session:
        stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq).desc())
        event = session.exec(stmt).first()
        assert event is not None
        return event.payload


def test_a_task_completed_with_evidence_records_the_hashes_in_its_event(rt: Runtime, tmp_path: Path) -> None:
    case_id = case_at_opening_day(rt)
    hashes = _upload(
        rt, tmp_path, case_id, Upload("签到表.pdf", PDF, "签到表"), Upload("现场.jpg", JPEG, "现场照片")
    )
    with Session(rt.db) as session:
        rows = session.exec(select(Evidence).where(Evidence.case_id == case_id)).all()
    assert {(r.kind, r.original_name, r.media_type, r.uploaded_by, r.size) for r in rows} == {
        ("签到表", "签到表.pdf", "application/pdf", "sun", len(PDF)),
        ("现场照片", "现场.jpg", "image/jpeg", "sun", len(JPEG)),
    }
    assert _check(rt, case_id, list(hashes)) == (True, [])
    payload = _last_payload(rt, case_id)
    assert payload["task"] == "opening_day_check"
    assert isinstance(payload["form"], dict) and payload["form"]["evidence"] == list(hashes)
    assert evidence_findings(Session(rt.db), case_id, tmp_path) == []


def test_an_unknown_hash_or_another_cases_file_is_refused_at_its_place(rt: Runtime, tmp_path: Path) -> None:
    case_id, other_case = cases_at_opening_day(rt, "evidence", "another")
    (mine,) = _upload(rt, tmp_path, case_id, Upload("签到表.pdf", PDF, "签到表"))
    (theirs,) = _upload(rt, tmp_path, other_case, Upload("说明.txt", TEXT, "其他"))
    ok, errors = _check(rt, case_id, [mine, "0" * 64, theirs])
    assert not ok
    assert [(e["code"], e["field"]) for e in errors] == [
        ("invalid_field", "evidence[1]"), ("invalid_field", "evidence[2]"),
    ]  # fmt: skip
    assert "不是本案件已上传的证据材料" in str(errors[0]["message"])
    ok, errors = _check(rt, case_id, ["not-a-hash"])
    assert not ok and errors[0]["field"] == "evidence[0]"


def test_uploads_are_refused_whole_and_named_by_place(rt: Runtime, tmp_path: Path) -> None:
    case_id = case_at_opening_day(rt)
    outcome = upload(
        rt, tmp_path, case_id=case_id, user="sun", roles=("inspector",),
        uploads=[Upload("a.pdf", PDF, "签到表"), Upload("照片.jpg", TEXT, "现场照片")],
    )  # fmt: skip
    assert not outcome.ok
    assert [(e.code.value, e.field) for e in outcome.errors] == [("invalid_field", "evidence[1]")]
    assert "「照片.jpg」：文件内容是纯文本，与扩展名 .jpg 不符" in outcome.errors[0].message
    with Session(rt.db) as session:
        assert session.exec(select(Evidence)).all() == []
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("user", "roles", "code"),
    [
        ("qian", ("finance",), "forbidden"),
        ("other", ("applicant",), "forbidden"),
        ("jyjs", ("applicant",), None),
    ],
)
def test_who_may_upload(
    rt: Runtime, tmp_path: Path, user: str, roles: tuple[str, ...], code: str | None
) -> None:
    case_id = case_at_opening_day(rt)
    outcome = upload(
        rt, tmp_path, case_id=case_id, user=user, roles=roles, uploads=[Upload("a.pdf", PDF, "其他")]
    )
    assert outcome.ok is (code is None)
    assert [e.code.value for e in outcome.errors] == ([code] if code else [])
    missing = upload(rt, tmp_path, case_id=999, user="sun", roles=("inspector",), uploads=[])
    assert [e.code.value for e in missing.errors] == ["no_such_task"]


def test_verify_names_a_deleted_file_and_an_altered_one(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = case_at_opening_day(rt)
    sheet, photo = _upload(
        rt, tmp_path, case_id, Upload("签到表.pdf", PDF, "签到表"), Upload("现场.jpg", JPEG, "现场照片")
    )
    assert _check(rt, case_id, [sheet, photo])[0]
    (tmp_path / sheet[:2] / sheet[2:]).unlink()
    (tmp_path / photo[:2] / photo[2:]).write_bytes(JPEG + b"retouched")
    with Session(rt.db) as session:
        found = evidence_findings(session, case_id, tmp_path)
    assert [(f.kind, f.case_id) for f in found] == [("evidence", case_id), ("evidence", case_id)]
    assert "「签到表.pdf」（签到表）文件缺失" in found[0].detail and sheet in found[0].detail
    assert "开班当日检查" in found[0].detail
    assert "「现场.jpg」（现场照片）文件被改动" in found[1].detail and photo in found[1].detail

    database = tmp_path / "audit.db"
    from sqlmodel import SQLModel

    from store.db import make_engine

    engine = make_engine(f"sqlite:///{database}")
    SQLModel.metadata.create_all(engine)
    with Session(rt.db) as source, Session(engine) as target:
        for table in SQLModel.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in source.connection().execute(table.select())]
            if rows:
                target.connection().execute(table.insert(), rows)
        target.commit()
    engine.dispose()
    monkeypatch.setenv("SUBSIDYFLOW_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("SUBSIDYFLOW_EVIDENCE_DIR", str(tmp_path))
    monkeypatch.setenv("SUBSIDYFLOW_ANCHOR_KEY", str(tmp_path / "key.pem"))
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "证据文件缺失或被改动" in result.output and "签到表.pdf" in result.output
    assert sheet[:16] in result.output.replace("\n", "").replace(" ", "").replace("│", "")
