"""Events carry salted references, not personal data; the roles that need the values read them, recorded."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from cases.personal_data import readable_form
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from domain.calendar import BusinessCalendar
from forms.personal import personal_paths
from store import personal
from store.personal_tables import PersonalData, PersonalRead
from store.tables import CaseEvent, Payment, RosterEntry

HAPPY = Path(__file__).parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"
ACCOUNT, CONTACT_PHONE = "6222000000000000001", "13800000001"


@pytest.fixture(scope="module")
def paid() -> Iterator[ScenarioRun]:
    text, scenario = read_scenario(HAPPY)
    run = ScenarioRun(scenario, text, BusinessCalendar())
    assert run.run()["ok"]
    yield run
    run.close()


def _application(session: Session) -> CaseEvent:
    events = session.exec(select(CaseEvent).where(CaseEvent.type == "task_completed")).all()
    return next(e for e in events if e.payload.get("task") == "opening_application")


def test_the_personal_fields_are_the_ones_the_schemas_mark() -> None:
    assert personal_paths("opening_application") == (
        ("contact_name",), ("contact_phone",), ("bank_account",),
        ("roster", "*", "name"), ("roster", "*", "id_number"), ("roster", "*", "phone"),
    )  # fmt: skip
    assert personal_paths("assessment_result") == (("certificates", "*", "id_number"),)
    assert personal_paths("claim_first_review") == ()


def test_no_id_number_phone_or_account_in_any_event(paid: ScenarioRun) -> None:
    with Session(paid.rt.db) as session:
        roster = session.exec(select(RosterEntry).order_by(col(RosterEntry.position))).all()
        assert len(roster) == 40
        secrets = (
            {ACCOUNT, CONTACT_PHONE, "陈老师"} | {r.id_number for r in roster} | {r.phone for r in roster}
        )
        rows = session.exec(select(CaseEvent)).all()
        logged = "\n".join(
            json.dumps([e.type, e.actor, e.payload, e.hash, e.prev_hash], ensure_ascii=False, default=str)
            for e in rows
        )
        assert len(rows) > 10
        assert [s for s in secrets if s in logged] == []
        assert re.search(r"(?<![0-9a-fA-F])\d{17}[\dX](?![0-9a-fA-F])", logged) is None  # no number at all
        # each value sits in the vault once, encrypted, under the reference the event names
        form = _application(session).payload["form"]
        ref = form["bank_account"]["$pd"]
        stored = session.get(PersonalData, ref)
        assert stored is not None and stored.kind == "bank_account"
        assert stored.ciphertext is not None and ACCOUNT not in stored.ciphertext
        assert ref == personal.ref_of(session, "bank_account", ACCOUNT)
        assert all(r.ref == personal.ref_of(session, "id_number", r.id_number) for r in roster)
        # finance ordered the payment with the account read back, and the read is recorded
        payment = session.exec(select(Payment)).one()
        assert payment.bank_account == ACCOUNT
        reads = session.exec(select(PersonalRead).where(PersonalRead.ref == ref)).all()
        assert [(r.role, r.purpose) for r in reads] == [("finance", "拨付补贴")]
        # and nothing else: paying needs the account, not the trainees' names, numbers and phones
        paying = session.exec(select(PersonalRead).where(PersonalRead.purpose == "拨付补贴")).all()
        assert [r.ref for r in paying] == [ref]


def test_the_same_file_gives_the_same_history_hash() -> None:
    text, scenario = read_scenario(HAPPY)
    hashes = []
    for _ in range(2):
        run = ScenarioRun(scenario, text, BusinessCalendar())
        result = run.run()
        run.close()
        hashes.append(result["cases"]["main"]["history_hash"])
    assert hashes[0] is not None and hashes[0] == hashes[1]


def test_the_applicant_and_a_reviewer_read_the_roster_the_public_cannot(paid: ScenarioRun) -> None:
    with Session(paid.rt.db) as session:
        event = _application(session)
        ids = [r.id_number for r in session.exec(select(RosterEntry).order_by(col(RosterEntry.position)))]
        before = len(session.exec(select(PersonalRead)).all())
        at = paid.clock.now()
        own = readable_form(session, event.payload, "jyjs", "applicant", "更正", case_id=event.case_id, at=at)
        assert [t["id_number"] for t in own["roster"]] == ids
        assert own["bank_account"] == ACCOUNT and own["contact_phone"] == CONTACT_PHONE
        reviewer = readable_form(
            session, event.payload, "wang", "reviewer", "初审", case_id=event.case_id, at=at
        )
        assert reviewer["roster"] == own["roster"]
        reads = session.exec(select(PersonalRead).order_by(col(PersonalRead.id))).all()[before:]
        per_reader = {(r.reader, r.role, r.purpose, r.case_id) for r in reads}
        assert per_reader == {
            ("jyjs", "applicant", "更正", event.case_id),
            ("wang", "reviewer", "初审", event.case_id),
        }
        assert len(reads) == 2 * len({r.ref for r in reads}) and len({r.ref for r in reads}) == 3 + 3 * 40 - 0
        for reader, role in (("路人", "public"), ("other", "applicant"), ("owner", "process_owner")):
            shown = readable_form(session, event.payload, reader, role, "查看", case_id=event.case_id, at=at)
            first = shown["roster"][0]
            assert first["id_number"] == ids[0][:4] + "*" * 10 + ids[0][-4:]
            assert shown["bank_account"] == "*" * 15 + ACCOUNT[-4:]
            assert shown["contact_phone"] == "138****0001"
            assert first["name"] != own["roster"][0]["name"] and "*" in first["name"]
        assert len(session.exec(select(PersonalRead)).all()) == before + len(reads)
