"""Playing a scenario on a throw-away database and a virtual clock (scenarios/README.md)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from bpmn.clock import VirtualClock
from cases.case_events import file_objection, report_fraud
from cases.commands import Actor, Outcome, submit_task
from cases.institutions import accept_rectification
from cases.projections import latest_notice
from cases.runtime import Runtime
from cases.wiring import Settings, runtime
from cli.catalogue_seed import seed_demo_catalogue
from cli.scenario_file import Scenario, StepSpec, generate_refusals
from domain import deadlines
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.errors import ErrorCode, Violation
from domain.idnumber import IdentityGenerator, normalize_id_number
from domain.plan import PlanLine
from domain.policy import Policy, load_policy
from domain.vocab import InstitutionStatus
from store import personal
from store.catalogue import (
    add_enterprises,
    add_institutions,
    add_projects,
    add_training_records,
    ensure_user,
)
from store.db import create_schema
from store.plan import add_plan_lines
from store.tables import CaseRow, Institution, Objection, Payment, SlaBreach
from workflows.due_work import DueWork
from workflows.gateway import FakeGateway

_FIGURES = (
    "opening_count",
    "attendance_base",
    "certified",
    "eligible",
    "amount_fen",
    "base_fen",
    "performance_fen",
)
_ID_LIKE = re.compile(r"\b\d{17}[\dXx]\b")


def shipped_policy() -> Policy:
    """The policy shipped with the product (domain/policy_default.yaml)."""
    return load_policy((files("domain") / "policy_default.yaml").read_text(encoding="utf-8"))


def _date_or_none(value: Any) -> date | None:
    """The start date of an application's data (a YAML date or ISO text), None when it is not one."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(SHANGHAI).isoformat() if instant is not None else None


class ScenarioRun:
    """One scenario file played from start to end."""

    def __init__(
        self,
        scenario: Scenario,
        text: str,
        calendar: BusinessCalendar,
        db_url: str = "sqlite://",
        *,
        check_roundtrip: bool = False,
        policy: Policy | None = None,
        engine: Engine | None = None,
        candidate: Mapping[str, bytes] | None = None,
    ) -> None:
        self.scenario = scenario
        self._own_engine = (
            engine is None
        )  # a shared engine (benchmarks, a warm server) is not ours to dispose
        if scenario.calendar is not None:
            calendar = calendar.with_extra(scenario.calendar.holidays, scenario.calendar.workdays)
        self.clock = VirtualClock(scenario.start)
        policy = (policy or shipped_policy()).with_overrides(scenario.policy)
        # A throw-away database, the shipped policy with the file's overrides, the given calendar.
        settings = Settings(database_url=db_url)
        rt = runtime(
            settings, self.clock, db=engine, policy=policy, calendar=calendar, check_roundtrip=check_roundtrip
        )
        # personal data: a key made in memory, references salted from a fixed seed (same hashes every run)
        personal.attach(rt.db, personal.Keyring.ephemeral(), keep=True)
        if candidate is not None:  # `subsidyflow deploy`: the candidate's models and forms judge the cases
            rt = rt.with_files(candidate)
        self.gateway = FakeGateway(scenario.gateway)
        self.machinery = DueWork(rt, self.gateway)
        self.identities = IdentityGenerator(
            hashlib.sha256(text.encode()).hexdigest(),
            exclude={normalize_id_number(m) for m in _ID_LIKE.findall(normalize_id_number(text))},
        )
        self.cases: dict[str, int | None] = {}
        self.step_results: list[dict[str, Any]] = []
        self._users: set[tuple[str, str]] = set()  # (user, role) pairs already given (roles are only added)
        create_schema(self.rt.db)
        self._seed()

    def _seed(self) -> None:
        fixtures = self.scenario.fixtures
        with self.rt.session() as session:
            seed_demo_catalogue(session)
            add_institutions(session, [(i.name, InstitutionStatus(i.status)) for i in fixtures.institutions])
            add_projects(session, [(p.occupation, p.level) for p in fixtures.projects])
            add_training_records(
                session, [(r.id_number, r.year, r.occupation) for r in fixtures.training_records]
            )
            add_enterprises(
                session, [(e.name, e.credit_code, InstitutionStatus(e.status)) for e in fixtures.enterprises]
            )
            add_plan_lines(session, [PlanLine(p.year, p.institution, p.quota, p.type) for p in fixtures.plan])
            session.commit()

    def close(self) -> None:
        """Release the database connections (of an engine this run made)."""
        if self._own_engine:
            self.rt.db.dispose()

    # -- time -----------------------------------------------------------------------------------
    @property
    def rt(self) -> Runtime:
        """The runtime new cases are filed on (its settings' deployment)."""
        return self.machinery.rt

    @rt.setter
    def rt(self, runtime: Runtime) -> None:
        self.machinery.rt = runtime

    def advance(self, target: datetime) -> None:
        """Move the clock to ``target``, firing every timer and payment retry due on the way, in order."""
        self.machinery.advance(self.clock, target)

    def _settle_payments(self) -> None:
        self.machinery.settle_payments(self.clock.now())

    # -- steps ----------------------------------------------------------------------------------
    def _resolve_roster(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data  # the form refuses it, field by field
        resolved = dict(data)
        roster = resolved.get("roster")
        if (
            isinstance(roster, Mapping)
            and set(roster) == {"generate"}
            and isinstance(roster["generate"], int)
        ):
            # 002: 法定劳动年龄内 — generated trainees are eligible on the class's start date
            trainees = self.identities.trainees(
                max(0, roster["generate"]),
                on=_date_or_none(resolved.get("start_date")),
                limits=self.rt.policy.age_limits,
                today=self.rt.today(),
            )
            resolved["roster"] = [
                {"name": t.name, "id_number": t.id_number, "phone": t.phone, "group": t.group}
                for t in trainees
            ]
        return resolved

    def play_step(self, index: int, step: StepSpec) -> None:
        """Play one step at its instant and record its result."""
        self.advance(step.at)
        case_id = self.cases.get(step.case)
        if step.actor is not None and (step.actor.user, step.actor.role) not in self._users:
            with self.rt.session() as session:
                ensure_user(session, step.actor.user, step.actor.role)
                session.commit()
            self._users.add((step.actor.user, step.actor.role))
        outcome = self._act(step, case_id)
        if outcome.ok and outcome.case_id is not None:
            self.cases[step.case] = outcome.case_id
        self.cases.setdefault(step.case, None)
        result: dict[str, Any] = {"index": index, "ok": outcome.ok}
        if not outcome.ok:
            result["error"] = outcome.errors[0].as_dict()
            result["errors"] = [e.as_dict() for e in outcome.errors]
        self.step_results.append(result)
        self.advance(self.clock.now())
        self._settle_payments()

    def _act(self, step: StepSpec, case_id: int | None) -> Outcome:
        if step.task is not None:
            assert step.actor is not None  # noqa: S101 - checked when the file was read
            actor = Actor(step.actor.user, step.actor.role)
            refused = generate_refusals(step.data) if step.task == "opening_application" else ()
            if refused:  # beyond what can be generated: refused before anything is generated
                return Outcome(False, case_id, refused)
            data = self._resolve_roster(step.data) if step.task == "opening_application" else step.data
            return submit_task(
                self.rt, case_id=case_id, actor=actor, task_key=step.task, data=data, label=step.case
            )
        if step.event == "rectification":  # an extension of the format: about an institution, not a case
            assert step.actor is not None  # noqa: S101 - checked when the file was read
            return accept_rectification(
                self.rt, actor=Actor(step.actor.user, step.actor.role), data=step.data
            )
        if case_id is None:
            return Outcome(
                False, None, (Violation(ErrorCode.NO_SUCH_TASK, None, "该案件尚未创建，无法办理此事件"),)
            )
        if step.event == "objection":
            return file_objection(self.rt, case_id=case_id, data=step.data)
        assert step.actor is not None  # noqa: S101 - checked when the file was read
        return report_fraud(
            self.rt, case_id=case_id, actor=Actor(step.actor.user, step.actor.role), data=step.data
        )

    def run(self) -> dict[str, Any]:
        """Play every step, then move to `end`, and return the result object."""
        for index, step in enumerate(self.scenario.steps):
            self.play_step(index, step)
        if self.scenario.end is not None:
            self.advance(self.scenario.end)
            self._settle_payments()
        result: dict[str, Any] = {
            "scenario": self.scenario.scenario,
            "ok": True,
            "steps": self.step_results,
            "cases": {label: self.case_result(case_id) for label, case_id in self.cases.items()},
        }
        if self.scenario.expect is not None:
            mismatches = expect_mismatches(self.scenario.expect, result)
            result["ok"] = not mismatches
            if mismatches:
                result["mismatches"] = mismatches
        return result

    # -- results --------------------------------------------------------------------------------
    def case_result(self, case_id: int | None) -> dict[str, Any]:
        """The contract's per-case result."""
        empty: dict[str, Any] = {"status": "draft", **dict.fromkeys(_FIGURES)}
        if case_id is None:
            empty.update(notice=None, payment={"deadline": None, "paid_at": None, "amount_fen": None,
                                               "count": 0, "reference": None},
                         sla_breaches=[], institution_status=None, history_hash=None)  # fmt: skip
            return empty
        with self.rt.session() as session:
            case = session.get(CaseRow, case_id)
            assert case is not None  # noqa: S101 - created by a step
            out: dict[str, Any] = {"status": case.status, **{k: case.figures.get(k) for k in _FIGURES}}
            notice = latest_notice(session, case_id)
            out["notice"] = None
            if notice is not None:
                count = len(list(session.exec(select(Objection.id).where(Objection.notice_id == notice.id))))
                out["notice"] = {
                    "start": notice.start.isoformat(),
                    "end": notice.end.isoformat(),
                    "objections": count,
                }
            payment = session.exec(select(Payment).where(Payment.case_id == case_id)).first()
            notice_end = case.figures.get("notice_end")
            pinned = self.rt.deployment_of(session, case)  # the case's own policy and calendar
            deadline = (
                deadlines.payment_due(date.fromisoformat(notice_end), pinned.policy, pinned.calendar)
                .date()
                .isoformat()
                if notice_end
                else None
            )
            out["payment"] = {
                "deadline": deadline,
                "paid_at": _iso(payment.paid_at) if payment else None,
                "amount_fen": payment.amount_fen if payment else None,
                "count": self.gateway.payments_for(case_id),
                "reference": payment.reference if payment else None,
                # 004 (三)4: the payee follows the applicant (institution, enterprise or individual)
                "payee_kind": case.applicant_kind,
            }
            breaches = session.exec(
                select(SlaBreach).where(SlaBreach.case_id == case_id).order_by(col(SlaBreach.due))
            )
            out["sla_breaches"] = [{"rule": b.rule, "due": _iso(b.due)} for b in breaches]
            institution = session.exec(
                select(Institution).where(Institution.name == case.institution)
            ).first()
            out["institution_status"] = institution.status if institution else None
            out["history_hash"] = case.head_hash
        return out


def expect_mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` does not hold ``expected`` (a subset: mappings by key, steps by index)."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{path or '(top)'}: expected a mapping, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            sub = f"{path}.{key}" if path else str(key)
            if key == "steps" and path == "" and isinstance(value, list):
                by_index = {s.get("index"): s for s in actual.get("steps", [])}
                for i, want in enumerate(value):
                    index = want.get("index", i) if isinstance(want, Mapping) else i
                    out += expect_mismatches(want, by_index.get(index), f"steps[{index}]")
            elif key not in actual:
                out.append(f"{sub}: missing")
            else:
                out += expect_mismatches(value, actual[key], sub)
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return [
            m
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for m in expect_mismatches(e, a, f"{path}[{i}]")
        ]
    if isinstance(expected, date | datetime):
        expected = expected.isoformat()
    if expected != actual and not (
        isinstance(expected, int | float) and isinstance(actual, int | float) and expected == actual
    ):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []
