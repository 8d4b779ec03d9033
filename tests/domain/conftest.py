"""Fixtures of the domain tests: the official calendar, default policy, fakes at the ports, a valid application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from domain_fakes import INSTITUTION, FakeCatalogue, FakeRegistry, roster

from domain.calendar import BusinessCalendar
from domain.policy import Policy
from domain.records import OpeningApplication
from domain.vocab import Level, Schedule, TrainingMode


@pytest.fixture(scope="session")
def calendar() -> BusinessCalendar:
    """The official calendar (chinese_calendar, 2004–2026)."""
    return BusinessCalendar()


@pytest.fixture
def policy() -> Policy:
    """The contract's default policy."""
    return Policy()


@pytest.fixture
def registry() -> FakeRegistry:
    """No earlier training."""
    return FakeRegistry()


@pytest.fixture
def catalogue() -> FakeCatalogue:
    """One active institution; 焊工 and 钳工 published at every level."""
    return FakeCatalogue()


@pytest.fixture
def make_app() -> Callable[..., OpeningApplication]:
    """A valid application (example 04's class, filed 2026-11-02) with fields replaced."""

    base = OpeningApplication(
        institution=INSTITUTION,
        contact_name="陈老师",
        contact_phone="13800000001",
        bank_name="中国工商银行济源分行",
        bank_account="6222000000000000001",
        batch="2026-钳工-07",
        start_date=date(2026, 11, 16),
        end_date=date(2026, 12, 25),
        schedule=Schedule.FULL_TIME,
        class_hours=120,
        practical_hours=84,
        occupation="钳工",
        level=Level.INTERMEDIATE,
        planned_count=3,
        mode=TrainingMode.SELF,
        key_group=False,
        roster=roster(3),
        teaching_plan="理论36课时，实操84课时",
    )

    def make(**changes: Any) -> OpeningApplication:
        if "roster" not in changes and "planned_count" in changes:
            changes["roster"] = roster(changes["planned_count"])
        return replace(base, **changes)

    return make
