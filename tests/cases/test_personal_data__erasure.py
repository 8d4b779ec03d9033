"""Erasing personal data after the retention period leaves every chain and every replay verifiable;
look-ups go by the salted reference (a full-width number finds its record)."""

from __future__ import annotations

import base64
from datetime import date, datetime
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cases.personal_data import ERASED, erase_closed, readable_form, retention_cutoff
from cases.replay import replay_case
from cli.main import app
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from documents.render import html
from documents.sources import load
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.idnumber import check_digit
from store import personal
from store.catalogue import DbTrainingRegistry, add_training_records
from store.personal_tables import PersonalData
from store.tables import CaseEvent, Payment, RosterEntry, TrainingRecord

HAPPY = Path(__file__).parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"


def test_erasure_keeps_every_chain_and_replay_green() -> None:
    text, scenario = read_scenario(HAPPY)
    run = ScenarioRun(scenario, text, BusinessCalendar())
    try:
        assert run.run()["ok"]
        at = datetime(2056, 6, 1, 9, tzinfo=SHANGHAI)
        with Session(run.rt.db) as session:
            hashes = [e.hash for e in session.exec(select(CaseEvent).order_by(col(CaseEvent.id)))]
            assert erase_closed(session, date(2026, 5, 1), at).cases == ()  # paid on 8 May: not yet
            planned = erase_closed(session, date(2026, 6, 1), at, dry_run=True)
            assert planned.cases == (1,) and planned.values == 3 + 3 * 40
            assert (
                session.exec(select(PersonalData).where(col(PersonalData.ciphertext).is_(None))).all() == []
            )
            done = erase_closed(session, date(2026, 6, 1), at)
            session.commit()
            assert done == planned
            assert (
                session.exec(select(PersonalData).where(col(PersonalData.ciphertext).is_not(None))).all()
                == []
            )
            assert {r.erased_at for r in session.exec(select(PersonalData))} == {at}
            assert [e.hash for e in session.exec(select(CaseEvent).order_by(col(CaseEvent.id)))] == hashes
            report = replay_case(session, 1)
            assert report.ok, report.findings
            event = next(
                e
                for e in session.exec(select(CaseEvent).where(CaseEvent.type == "task_completed"))
                if e.payload.get("task") == "opening_application"
            )
            form = readable_form(session, event.payload, "wang", "reviewer", "复核", case_id=1, at=at)
            assert form["bank_account"] == ERASED and {t["id_number"] for t in form["roster"]} == {ERASED}
            roster = session.exec(select(RosterEntry)).all()
            assert {(r.name, r.id_number, r.phone) for r in roster} == {(ERASED, ERASED, ERASED)}
            assert all(r.ref for r in roster)  # the reference stays: the person still counts as trained
            assert session.exec(select(Payment)).one().bank_account == ""
            assert ERASED in html(load(session, 1), "application")
    finally:
        run.close()


def test_the_cli_refuses_a_date_inside_the_retention_period(tmp_path: Path) -> None:
    env = {
        "SUBSIDYFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "SUBSIDYFLOW_DATA_KEY": str(tmp_path / "k"),
    }
    refused = CliRunner().invoke(app, ["personal", "erase", "--before", "2099-01-01"], env=env)
    assert refused.exit_code == 2 and "保存期限" in refused.output
    dry = CliRunner().invoke(app, ["personal", "erase", "--before", "1990-01-01", "--dry-run"], env=env)
    assert dry.exit_code == 0 and "将删除 0 个案件" in dry.output
    assert retention_cutoff(date(2056, 2, 29), 30) == date(2026, 2, 28)
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600


def test_trained_this_year_is_found_by_reference_even_full_width(sqlite_db: Engine) -> None:
    first17 = "41088119900505011"
    person = first17 + check_digit(first17)
    wide = person.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    with Session(sqlite_db) as session:
        add_training_records(session, [(wide, 2025, "电工")])
        session.commit()
        record = session.exec(select(TrainingRecord)).one()
        assert record.ref == personal.ref_of(session, "id_number", person)
        # the look-up goes by the reference alone: the stored number no longer matters
        session.execute(update(TrainingRecord).values(id_number="000000000000000000"))
        registry = DbTrainingRegistry(session)
        assert registry.trained_in_year(person, 2025) and registry.trained_in_year(wide, 2025)
        assert registry.trained_in_occupation(person, "电工") and registry.subsidies_count(person) == 1
        assert not DbTrainingRegistry(session).trained_in_year(person, 2024)


def test_references_depend_on_the_salt() -> None:
    one, two = personal.Keyring.ephemeral("a"), personal.Keyring.ephemeral("b")
    assert one.ref("id_number", "410881199005050111") == personal.Keyring.ephemeral("a").ref(
        "id_number", "410881199005050111"
    )
    assert one.ref("id_number", "410881199005050111") != two.ref("id_number", "410881199005050111")
    assert one.ref("phone", "13800000001") != one.ref("id_number", "13800000001")  # the kind is hashed too
    ref = one.ref("name", "张三")
    assert (
        one.decrypt(one.encrypt("张三", ref), ref) == "张三"
        and two.decrypt(one.encrypt("张三", ref), ref) is None
    )


def test_a_value_opens_only_for_its_own_reference_and_unaltered() -> None:
    ring = personal.Keyring.ephemeral("vault")
    mine, other = ring.ref("id_number", "410881199005050111"), ring.ref("id_number", "410881199005050138")
    token = ring.encrypt("410881199005050111", mine)
    assert token.startswith("v2:") and "410881199005050111" not in token
    assert token != ring.encrypt("410881199005050111", mine)  # a fresh nonce each time
    assert ring.decrypt(token, mine) == "410881199005050111"
    assert ring.decrypt(token, other) is None  # a ciphertext moved to another row does not open
    body = base64.urlsafe_b64decode(token.removeprefix("v2:"))
    flipped = "v2:" + base64.urlsafe_b64encode(body[:-1] + bytes([body[-1] ^ 1])).decode()
    assert ring.decrypt(flipped, mine) is None
    assert ring.decrypt("v2:not base64!", mine) is None and ring.decrypt("v2:", mine) is None
    assert ring.decrypt("gAAAAAgarbage", mine) is None


def test_values_stored_with_fernet_before_still_read(sqlite_db: Engine) -> None:
    # a vault row written before AES-GCM-SIV: a Fernet token under the key file's key
    ring = personal.Keyring.ephemeral("legacy")
    personal.attach(sqlite_db, ring)
    at = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    ref = ring.ref("phone", "13800000001")
    with Session(sqlite_db) as session:
        session.add(
            PersonalData(
                ref=ref,
                kind="phone",
                ciphertext=Fernet(ring.key).encrypt(b"13800000001").decode(),
                created_at=at,
            )
        )
        session.commit()
        assert personal.reveal(session, [ref]) == {ref: "13800000001"}


def test_a_value_given_again_after_its_erasure_is_kept_again(sqlite_db: Engine) -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    with Session(sqlite_db) as session:
        refs = personal.put_many(
            session, [("phone", " 13800000001"), ("phone", "13800000001"), ("name", "张三")], at
        )
        assert refs[0] == refs[1] != refs[2]
        assert personal.erase(session, refs, at) == 2 and personal.reveal(session, refs) == dict.fromkeys(
            refs
        )
        assert personal.put(session, "phone", "１３８０００００００１", at) == refs[0]  # full-width: NFKC
        assert personal.reveal(session, refs) == {refs[0]: "13800000001", refs[2]: None}


def test_a_sessions_references_follow_the_keyring_of_its_database(sqlite_db: Engine) -> None:
    # ref_of keeps what it computed for the session's life, keyed by the keyring: never a stale one
    first, second = personal.Keyring.ephemeral("one"), personal.Keyring.ephemeral("two")
    personal.attach(sqlite_db, first)
    with Session(sqlite_db) as session:
        ref = personal.ref_of(session, "id_number", "410881199005050111")
        assert ref == first.ref("id_number", "410881199005050111")
        assert personal.ref_of(session, "id_number", "410881199005050111") == ref
        personal.attach(sqlite_db, second)
        assert personal.ref_of(session, "id_number", "410881199005050111") == second.ref(
            "id_number", "410881199005050111"
        )
