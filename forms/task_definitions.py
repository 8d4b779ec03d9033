"""The one definition of each user task and event form of the lifecycle; every other table derives from it.

A task's role is also declared on its userTask in the BPMN (the ``role`` property of its
``spiffworkflow:properties``); a test holds the two equal. Behaviour that lives in higher layers
(rules and engine data in ``tasks/rules.py``, SLA deadlines in ``tasks/projections.py``, form
binders in ``forms/binding.py``) is attached there by id and tied to this registry by
``tests/engine/test_engine__completeness.py``: every definition has it, nothing extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from domain.vocab import Role

ROLE_PROPERTY = "role"  # the name of the spiffworkflow property that declares a userTask's role


class Sla(StrEnum):
    """The working-day deadlines a human task can work against (LIFECYCLE.md timers)."""

    OPENING_REVIEW = "opening_review"
    CLAIM_REVIEW = "claim_review"
    PAYMENT = "payment"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskDefinition:
    """One user task of the BPMN: who does it, with which form, and what it means for the case."""

    id: str  # the userTask id; a `__suffix` id in the BPMN is another shape of the same task
    role: Role  # equal to the role declared on the userTask in the BPMN
    title: str  # Chinese title: inbox lines, the demo timeline
    status: str  # the case's status while the task waits (tasks/status.py)
    form: str  # the form id: forms/schemas/<form>.json
    four_eyes: str | None = None  # the task whose completer may not do this one
    sla: Sla | None = None  # the deadline the task works against, if any
    resubmitted_after: str | None = None  # a figure counting earlier filings: non-zero means `returned`
    rules: tuple[str, ...] = ()  # the domain rules (functions of domain/) that guard a submission
    hands: frozenset[str] = frozenset()  # what it hands to the diagram besides `today` and `actor`


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDefinition:
    """A form filed outside the user tasks: an objection, a fraud finding, a rectification accepted."""

    id: str
    title: str
    form: str
    roles: tuple[Role, ...]  # who may file it; Role.PUBLIC: anyone, without an account


_REVIEW = frozenset({"decision", "comment"})

# In lifecycle order; tasks/status.py takes the first waiting task's status, so the order matters
# only for tasks that can wait at once (spot checks beside the assessment request: both `training`).
TASKS: tuple[TaskDefinition, ...] = (
    TaskDefinition(
        id="opening_application", role=Role.APPLICANT, title="开班申请", status="returned",
        form="opening_application", rules=("check_opening",),
        hands=frozenset({
            "institution", "occupation", "level", "start_date", "end_date", "planned_count", "key_group",
        }),
    ),
    TaskDefinition(
        id="opening_first_review", role=Role.REVIEWER, title="开班初审", status="opening_review",
        form="opening_first_review", sla=Sla.OPENING_REVIEW, hands=_REVIEW,
    ),
    TaskDefinition(
        id="opening_recheck", role=Role.RECHECKER, title="开班复核", status="opening_review",
        form="opening_recheck", four_eyes="opening_first_review", sla=Sla.OPENING_REVIEW, hands=_REVIEW,
    ),
    TaskDefinition(
        id="opening_approval", role=Role.APPROVER, title="人社审核", status="opening_review",
        form="opening_approval", sla=Sla.OPENING_REVIEW, hands=_REVIEW,
    ),
    TaskDefinition(
        id="opening_day_check", role=Role.INSPECTOR, title="开班当日检查", status="approved",
        form="opening_day_check", rules=("check_opening_day",), hands=frozenset({"actual_count"}),
    ),
    TaskDefinition(
        id="spot_check", role=Role.INSPECTOR, title="过程抽查", status="training",
        form="spot_check", rules=("check_spot_check",),
        hands=frozenset({"attendance", "spot_attendances"}),
    ),
    TaskDefinition(
        id="assessment_request", role=Role.APPLICANT, title="结业考核申请", status="training",
        form="assessment_request", rules=("check_assessment_request",),
        hands=frozenset({"assessment_date", "spot_attendances"}),
    ),
    TaskDefinition(
        id="assessment_result", role=Role.INSPECTOR, title="结业考核结果", status="assessment",
        form="assessment_result", rules=("check_assessment_result", "check_certified_total"),
        hands=frozenset({"certified", "satisfaction_pct"}),
    ),
    TaskDefinition(
        id="subsidy_claim", role=Role.APPLICANT, title="补贴申领", status="claim",
        form="subsidy_claim", resubmitted_after="claims_filed", rules=("check_claim",),
        hands=frozenset({"claimed_count"}),
    ),
    TaskDefinition(
        id="claim_first_review", role=Role.REVIEWER, title="申领初审", status="claim_review",
        form="claim_first_review", sla=Sla.CLAIM_REVIEW, hands=_REVIEW,
    ),
    TaskDefinition(
        id="claim_recheck", role=Role.RECHECKER, title="申领复核", status="claim_review",
        form="claim_recheck", four_eyes="claim_first_review", sla=Sla.CLAIM_REVIEW, hands=_REVIEW,
    ),
    TaskDefinition(
        id="objection_investigation", role=Role.REVIEWER, title="异议核查", status="investigation",
        form="objection_investigation", hands=_REVIEW,
    ),
    TaskDefinition(
        id="payment_approval", role=Role.APPROVER, title="拨付审核", status="payment",
        form="payment_approval", sla=Sla.PAYMENT, hands=_REVIEW,
    ),
    TaskDefinition(
        id="disbursement", role=Role.FINANCE, title="资金拨付", status="payment",
        form="disbursement", sla=Sla.PAYMENT, hands=frozenset({"fund_source"}),
    ),
    TaskDefinition(
        id="recovery", role=Role.FINANCE, title="追回资金", status="stopped",
        form="recovery", hands=frozenset({"recovered_fen", "comment"}),
    ),
)  # fmt: skip

EVENTS: tuple[EventDefinition, ...] = (
    EventDefinition(id="objection", title="异议", form="objection", roles=(Role.PUBLIC,)),
    EventDefinition(id="fraud", title="违规查处", form="fraud", roles=(Role.INSPECTOR, Role.APPROVER)),
    EventDefinition(id="rectification", title="整改验收", form="rectification", roles=(Role.APPROVER,)),
)

# Every status a case can show, with its Chinese label (scenarios/README.md "status").
CASE_STATUSES: Mapping[str, str] = MappingProxyType({
    "draft": "草稿", "opening_review": "开班审核中", "returned": "退回修改", "rejected": "不予通过",
    "cancelled": "已取消", "approved": "已批准开班", "training": "培训中", "assessment": "考核中",
    "claim": "待申领", "claim_review": "申领审核中", "notice": "公示中", "investigation": "异议核查中",
    "payment": "拨付中", "paid": "已拨付", "stopped": "已终止（骗补）",
})  # fmt: skip

BY_ID: Mapping[str, TaskDefinition] = MappingProxyType({t.id: t for t in TASKS})
EVENTS_BY_ID: Mapping[str, EventDefinition] = MappingProxyType({e.id: e for e in EVENTS})
TASK_IDS: tuple[str, ...] = tuple(t.id for t in TASKS)
EVENT_IDS: tuple[str, ...] = tuple(e.id for e in EVENTS)


def task_key(spec_id: str) -> str:
    """The task a BPMN userTask id names: `spot_check__more` is the task `spot_check`."""
    return spec_id.split("__", 1)[0]


def definition(task_id: str) -> TaskDefinition | None:
    """The definition of a user task (or of another shape of it, `spot_check__more`), if there is one."""
    return BY_ID.get(task_key(task_id))
