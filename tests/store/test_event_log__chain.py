"""The case event log: append-only, hash-chained, tamper-evident (ARCHITECTURE "State, events and replay")."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, update
from sqlmodel import Session

from store import event_log
from store.tables import CaseEvent, CaseRow, DeploymentRow

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _case(session: Session) -> int:
    session.add(DeploymentRow(id="d" * 64, policy={}, created_at=AT))
    session.flush()
    case = CaseRow(
        label="main", deployment_id="d" * 64, process_id="p", applicant="a", institution="i", occupation="o",
        level="l", batch="b", start_date=AT.date(), end_date=AT.date(), planned_count=1, status="draft",
        snapshot="{}", digest="x", created_at=AT, updated_at=AT,
    )  # fmt: skip
    session.add(case)
    session.flush()
    assert case.id is not None
    return case.id


def _append(
    session: Session, case_id: int, type_: str, actor: str, payload: dict[str, object], digest: str
) -> CaseEvent:
    last = event_log.head(session, case_id)
    after = (last.seq, last.hash) if last else (0, event_log.GENESIS)
    event = CaseEvent(**event_log.event_values(case_id, after, type_, actor, payload, AT, digest))
    session.add(event)
    session.flush()
    return event


def test_chain_links_and_verifies(sqlite_db: Engine) -> None:
    with Session(sqlite_db) as session:
        case_id = _case(session)
        first = _append(session, case_id, "created", "a", {"x": 1}, "d1")
        session.flush()
        second = _append(session, case_id, "task", "b", {"y": "中文"}, "d2")
        session.commit()
        assert first.prev_hash == event_log.GENESIS
        assert second.prev_hash == first.hash
        assert second.seq == 2
        assert event_log.verify_chain(session, case_id) is None


def test_tampering_is_detected(sqlite_db: Engine) -> None:
    with Session(sqlite_db) as session:
        case_id = _case(session)
        _append(session, case_id, "created", "a", {"x": 1}, "d1")
        session.flush()
        _append(session, case_id, "task", "b", {"amount_fen": 100}, "d2")
        session.commit()
        session.execute(update(CaseEvent).where(CaseEvent.seq == 2).values(payload={"amount_fen": 999}))
        session.commit()
        session.expire_all()
        assert event_log.verify_chain(session, case_id) == "event 2: hash does not match its content"


def test_event_values_are_the_stored_columns_and_their_hash() -> None:
    # what a command inserts with Core: JSON-normal payload (a date as its text), the chain's hash
    payload = {"day": AT.date(), "名": "中文", "n": [1, 2]}
    values = event_log.event_values(7, (3, "a" * 64), "task_completed", "wang", payload, AT, "d9")
    assert values["seq"] == 4 and values["prev_hash"] == "a" * 64
    assert values["payload"] == {"day": "2026-03-02", "名": "中文", "n": [1, 2]}
    event = CaseEvent(**values)
    assert event_log.rehash(event) == values["hash"]
    assert event_log.rehash(event, seq=5) != values["hash"]
    assert {k: getattr(event, k) for k in values} == values  # the ORM row holds them unchanged
