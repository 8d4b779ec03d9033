"""Fixtures that run the shipped BPMN/DMN models on bare SpiffWorkflow 3.2 (no project engine).

The models call domain functions by name; here they are simple stubs with the default policy
numbers, so the tests check the diagrams' paths, not the domain rules. Every step is followed
by a serialize -> deserialize round trip, and the reloaded workflow must serialize identically.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

MODELS = Path(__file__).resolve().parents[2] / "bpmn"
PROCESS_FILES = sorted((MODELS / "processes").glob("*.bpmn"))
DECISION_FILES = sorted((MODELS / "decisions").glob("*.dmn"))
MAIN = "subsidy_lifecycle"
CST = timezone(timedelta(hours=8))
MIN_SPOT_CHECKS = 2  # above the policy default (1) so that the "not enough yet" loop is exercised


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _end_of(day: date) -> str:
    return f"{day.isoformat()}T23:59:59+08:00"


def _attendance_base(opening_count: int, spot_attendances: list[int]) -> int:
    total, k = sum(spot_attendances), len(spot_attendances)
    return total // k if total * 10 < 9 * k * opening_count else opening_count


def _subsidy(eligible: int, standard_yuan: int) -> dict[str, int]:
    amount = eligible * standard_yuan * 100
    performance = math.ceil(amount * 20 / 100)
    return {"amount_fen": amount, "base_fen": amount - performance, "performance_fen": performance}


STANDARDS = {
    "初级工": 800, "中级工": 1200, "高级工": 1600, "技师": 2400, "高级技师": 3000,
    "专项职业能力": 500, "培训合格证": 300, "创业培训": 1000,
}  # fmt: skip

# Calendar days instead of working days: the models only need the names and the shapes.
STUB_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "opening_review_deadline": lambda start_date: _end_of(_day(start_date) - timedelta(days=1)),
    "is_opening_cancelled": lambda actual_count, planned_count: actual_count * 10 < planned_count * 9,
    "has_enough_spot_checks": lambda spot_attendances: len(spot_attendances) >= MIN_SPOT_CHECKS,
    "compute_attendance_base": _attendance_base,
    "is_below_satisfaction": lambda satisfaction_pct: satisfaction_pct < 85,
    "compute_eligible": min,
    "compute_subsidy": _subsidy,
    "policy_standard": lambda level: STANDARDS[level],
    "claim_review_deadline": lambda claim_date: _end_of(_day(claim_date) + timedelta(days=9)),
    "notice_start_after": lambda published_on: (_day(published_on) + timedelta(days=1)).isoformat(),
    "notice_end_from": lambda notice_start: (_day(notice_start) + timedelta(days=2)).isoformat(),
    "notice_closing_time": lambda notice_end: _end_of(_day(notice_end)),
    "payment_deadline": lambda notice_end: _end_of(_day(notice_end) + timedelta(days=9)),
}

APPLICATION = {
    "institution": "济源技师学院",
    "occupation": "焊工",
    "level": "中级工",
    "start_date": "2026-03-09",
    "end_date": "2026-04-24",
    "planned_count": 40,
    "key_group": False,
}


@dataclass(frozen=True)
class Checkpoint:
    """A recorded case state: snapshot, spot checks filed so far, the clock."""

    snapshot: str
    spots: list[int]
    now: datetime


START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)


class TimerClock:
    """Replaces the wall clock that Spiff's timer events read."""

    now_value = START

    @classmethod
    def set(cls, iso: str) -> None:
        moved = datetime.fromisoformat(iso)
        assert moved >= cls.now_value, "the clock never goes back"
        cls.now_value = moved


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return TimerClock.now_value.astimezone(tz) if tz else TimerClock.now_value


@pytest.fixture
def timer_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[TimerClock]]:
    monkeypatch.setattr(TimerClock, "now_value", START)
    monkeypatch.setattr(timer_module, "datetime", _ClockedDatetime)
    yield TimerClock


@pytest.fixture(scope="session")
def spiff_parser() -> SpiffBpmnParser:
    """Every shipped model, parsed once with XSD validation on (BPMN and DMN)."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for path in PROCESS_FILES:
        parser.add_bpmn_file(str(path))
    for path in DECISION_FILES:
        parser.add_dmn_file(str(path))
    return parser


@pytest.fixture(scope="session")
def spiff_serializer() -> BpmnWorkflowSerializer:
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=TaskDataEnvironment(dict(STUB_FUNCTIONS)))


class Case:
    """Drives one workflow the way the engine will: complete, deliver, let time pass."""

    def __init__(self, serializer: BpmnWorkflowSerializer, workflow: BpmnWorkflow, spots: list[int]) -> None:
        self.serializer = serializer
        self.clock = TimerClock
        self.workflow = workflow
        self.spots = spots
        self.application = dict(APPLICATION)

    @classmethod
    def start(
        cls,
        parser: SpiffBpmnParser,
        serializer: BpmnWorkflowSerializer,
        process_id: str,
        data: dict[str, Any],
    ) -> Case:
        workflow = BpmnWorkflow(
            parser.get_spec(process_id),
            parser.get_subprocess_specs(process_id),
            script_engine=script_engine(),
        )
        workflow.task_tree.set_data(**data)
        case = cls(serializer, workflow, [])
        case._settle()
        return case

    def checkpoint(self) -> Checkpoint:
        return Checkpoint(
            self.serializer.serialize_json(self.workflow), list(self.spots), self.clock.now_value
        )

    @classmethod
    def resume(cls, serializer: BpmnWorkflowSerializer, checkpoint: Checkpoint) -> Case:
        TimerClock.now_value = checkpoint.now
        workflow = serializer.deserialize_json(checkpoint.snapshot)
        workflow.script_engine = script_engine()
        return cls(serializer, workflow, list(checkpoint.spots))

    # -- what the case waits for
    def ready(self) -> list[str]:
        return sorted(t.task_spec.name for t in self.workflow.get_tasks(state=TaskState.READY, manual=True))

    def ready_task(self, name: str) -> Any:
        found = [
            t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name
        ]
        assert len(found) == 1, f"{name} is not ready; ready: {self.ready()}"
        return found[0]

    def data_of(self, name: str) -> dict[str, Any]:
        return dict(self.ready_task(name).data)

    def ran(self, name: str) -> int:
        """How many times the element ``name`` completed (in any process)."""
        return len(self.workflow.get_tasks(state=TaskState.COMPLETED, spec_name=name))

    def waiting(self) -> list[str]:
        """Events the case waits for (timers, messages, event gateways), not internal joins."""
        return sorted(
            t.task_spec.name
            for t in self.workflow.get_tasks(state=TaskState.WAITING)
            if hasattr(t.task_spec, "event_definition")
        )

    def timer_dues(self, name: str, state: TaskState = TaskState.WAITING) -> list[str]:
        """The instants (as evaluated, ISO) of the timer ``name`` in ``state``, one per timer task."""
        return sorted(
            str(t._get_internal_data("event_value"))
            for t in self.workflow.get_tasks(state=state, spec_name=name)
        )

    @property
    def result(self) -> dict[str, Any]:
        assert self.workflow.is_completed(), f"still running; ready: {self.ready()}"
        return dict(self.workflow.data)

    # -- actions
    def at(self, iso: str) -> Case:
        """Move the clock; due timers fire."""
        self.clock.set(iso)
        self.workflow.refresh_timers()
        self._settle()
        return self

    def complete(self, name: str, **data: Any) -> Case:
        task = self.ready_task(name)
        task.set_data(today=self.clock.now_value.date().isoformat(), actor="tester", **data)
        task.run()
        self._settle()
        return self

    def send(self, message: str, payload: dict[str, Any]) -> Case:
        self.workflow.send_event(BpmnEvent(MessageEventDefinition(message), payload))
        self._settle()
        return self

    def spot_check(self, attendance: int, name: str = "spot_check") -> Case:
        self.spots.append(attendance)
        return self.complete(name, attendance=attendance, spot_attendances=list(self.spots))

    # -- the standard moves of a case (dates as in scenarios/examples/01_happy_path.yaml)
    def approve_opening(self) -> Case:
        self.at("2026-03-02T09:00:00+08:00").complete("opening_application", **self.application)
        self.at("2026-03-03T10:00:00+08:00").complete(
            "opening_first_review", decision="approve", comment="齐全"
        )
        self.at("2026-03-04T10:00:00+08:00").complete("opening_recheck", decision="approve", comment="同意")
        return self.at("2026-03-05T10:00:00+08:00").complete(
            "opening_approval", decision="approve", comment="同意"
        )

    def train(self, actual: int = 40, spots: tuple[int, ...] = (39, 38)) -> Case:
        self.at("2026-03-09T09:30:00+08:00").complete("opening_day_check", actual_count=actual)
        for i, attendance in enumerate(spots):
            self.at(f"2026-03-{20 + i}T15:00:00+08:00").spot_check(attendance)
        return self.at("2026-04-17T09:00:00+08:00").complete(
            "assessment_request", assessment_date="2026-04-21", spot_attendances=list(self.spots)
        )

    def assess(self, certified: int = 37, satisfaction_pct: int = 96) -> Case:
        return self.at("2026-04-21T17:00:00+08:00").complete(
            "assessment_result", certified=certified, satisfaction_pct=satisfaction_pct
        )

    def claim_and_review(self, day: str = "2026-04-27", claimed: int = 40) -> Case:
        first = _day(day)
        self.at(f"{first}T10:00:00+08:00").complete("subsidy_claim", claimed_count=claimed)
        self.at(f"{first + timedelta(days=1)}T10:00:00+08:00").complete(
            "claim_first_review", decision="approve", comment="核实"
        )
        return self.at(f"{first + timedelta(days=2)}T10:00:00+08:00").complete(
            "claim_recheck", decision="approve", comment="同意"
        )

    def pay(self, day: str = "2026-05-08") -> Case:
        self.at(f"{day}T10:00:00+08:00").complete("payment_approval", decision="approve")
        self.at(f"{day}T14:00:00+08:00").complete("disbursement", fund_source="就业补助资金")
        return self.send("payment_confirmed", {"reference": "PAY-1", "paid_at": f"{day}T14:00:05+08:00"})

    def to_notice(self) -> Case:
        """Application to the claim recheck's approval: the notice runs from 04-30 to 05-02."""
        return self.approve_opening().train().assess().claim_and_review()

    def _settle(self) -> None:
        for _ in range(20):
            self.workflow.do_engine_steps()
            if not self.workflow.get_tasks(state=TaskState.READY, manual=False):
                break
        self._round_trip()

    def _round_trip(self) -> None:
        snapshot = self.serializer.serialize_json(self.workflow)
        restored = self.serializer.deserialize_json(snapshot)
        restored.script_engine = script_engine()
        assert self.serializer.serialize_json(restored) == snapshot
        self.workflow = restored


@pytest.fixture
def start_case(
    spiff_parser: SpiffBpmnParser, spiff_serializer: BpmnWorkflowSerializer, timer_clock: type[TimerClock]
) -> Callable[..., Case]:
    """A new workflow of ``process_id`` started with the application's fields (and overrides)."""

    def start(process_id: str = MAIN, **overrides: Any) -> Case:
        return Case.start(spiff_parser, spiff_serializer, process_id, {**APPLICATION, **overrides})

    return start


@pytest.fixture(scope="session")
def checkpoints(
    spiff_parser: SpiffBpmnParser, spiff_serializer: BpmnWorkflowSerializer
) -> dict[str, Checkpoint]:
    """One happy-path case recorded at the start of each stage, so that tests branch off it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimerClock, "now_value", START)
        patch.setattr(timer_module, "datetime", _ClockedDatetime)
        case = Case.start(spiff_parser, spiff_serializer, MAIN, dict(APPLICATION))
        recorded = {"opening": case.checkpoint()}
        recorded["training"] = case.approve_opening().checkpoint()  # opening_day_check ready
        recorded["assessment"] = case.train().checkpoint()  # assessment_result ready
        recorded["claim"] = case.assess().checkpoint()  # subsidy_claim ready
        recorded["notice"] = case.claim_and_review().checkpoint()  # waiting: notice 04-30 .. 05-02
        recorded["payment"] = case.at("2026-05-03T00:00:00+08:00").checkpoint()  # payment_approval ready
        return recorded


@pytest.fixture
def resume_case(
    spiff_serializer: BpmnWorkflowSerializer,
    checkpoints: dict[str, Checkpoint],
    timer_clock: type[TimerClock],
) -> Callable[[str], Case]:
    """The recorded happy-path case, restored at the start of a stage (opening .. payment)."""

    def resume(stage: str) -> Case:
        return Case.resume(spiff_serializer, checkpoints[stage])

    return resume
