"""Typed, validated inputs of every user task and event: what forms/ hands to the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.vocab import (
    ApplicantKind,
    AssessmentKind,
    Decision,
    FundSource,
    InvestigationOutcome,
    Level,
    PaymentDecision,
    Schedule,
    SignIn,
    TrainingMode,
)


@dataclass(frozen=True, slots=True)
class Trainee:
    """One line of the roster (花名册): real-name trainee (004 attachment 2)."""

    name: str
    id_number: str
    phone: str
    group: str


@dataclass(frozen=True, slots=True)
class OpeningApplication:
    """开班申请 (004 (三)1, attachment 2 "开班申请")."""

    institution: str
    contact_name: str
    contact_phone: str
    bank_name: str
    bank_account: str
    batch: str
    start_date: date
    end_date: date
    schedule: Schedule
    class_hours: int
    practical_hours: int
    occupation: str
    level: Level
    planned_count: int
    mode: TrainingMode
    key_group: bool
    roster: tuple[Trainee, ...]
    teaching_plan: str
    # 004 (三)4: 由个人、企业或培训机构申领; an enterprise gives its credit code (GB 32100)
    applicant_kind: ApplicantKind = ApplicantKind.INSTITUTION
    credit_code: str | None = None
    # 004 attachment 1: the plan's project type (岗前培训, 合格证培训, 技能提升, 新型学徒制 …)
    project_type: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """A review step's verdict (初审 / 复核 / 人社审核 of an opening or a claim)."""

    decision: Decision
    comment: str


@dataclass(frozen=True, slots=True)
class OpeningDayCheck:
    """开班当日检查 (004 (三)2)."""

    actual_count: int
    sign_in: SignIn
    materials_kept: bool
    evidence: tuple[str, ...] = ()  # sha256 of the files attached (签到表, 现场照片)


@dataclass(frozen=True, slots=True)
class SpotCheck:
    """过程抽查 during training (004 (三)2)."""

    date: date
    place: str
    teachers_present: int
    attendance: int
    evidence: tuple[str, ...] = ()  # sha256 of the files attached (签到表, 现场照片, 录像索引)


@dataclass(frozen=True, slots=True)
class AssessmentRequest:
    """结业考核申请 (004 (三)3)."""

    date: date
    kinds: tuple[AssessmentKind, ...]


@dataclass(frozen=True, slots=True)
class KindResult:
    """Participants and certificates obtained (取证人数) for one assessment kind."""

    kind: AssessmentKind
    participants: int
    certified: int
    # False when the form leaves 取证人数 to the list of certificates (then ``certified`` is derived)
    certified_stated: bool = True


@dataclass(frozen=True, slots=True)
class Certificate:
    """One certificate of the real-name list of certified trainees (004 attachment 2: 取证总人数).

    The trainee is named by ``row`` (1-based line of the case's roster) or ``id_number`` (or both).
    """

    kind: AssessmentKind
    certificate_no: str
    row: int | None = None
    id_number: str | None = None


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """结业考核结果 and the satisfaction survey (004 (三)3, 三(三))."""

    results: tuple[KindResult, ...]
    satisfaction_pct: float
    # 004 attachment 2: 取证总人数 — trainees with at least one certificate (None: not given)
    certified_total: int | None = None
    # the real-name list of certificates obtained (None: not given); the counts are derived from it
    certificates: tuple[Certificate, ...] | None = None
    evidence: tuple[str, ...] = ()  # sha256 of the supporting files attached

    @property
    def certified_sum(self) -> int:
        """Certificates obtained over every kind (a person with two counts twice)."""
        return sum(r.certified for r in self.results)

    @property
    def certified(self) -> int:
        """Trainees certified: ``certified_total``, by default the single kind's (or the sum's) figure."""
        return self.certified_total if self.certified_total is not None else self.certified_sum


@dataclass(frozen=True, slots=True)
class SubsidyClaim:
    """补贴申领 with the signed commitment (004 (三)4)."""

    claimed_count: int
    commitment: bool
    evidence: tuple[str, ...] = ()  # sha256 of the supporting files attached


@dataclass(frozen=True, slots=True)
class Investigation:
    """Outcome of the investigation of an objection during the notice (004 (三)4)."""

    decision: InvestigationOutcome
    comment: str


@dataclass(frozen=True, slots=True)
class PaymentApproval:
    """人社审核 of the payment."""

    decision: PaymentDecision
    comment: str


@dataclass(frozen=True, slots=True)
class Disbursement:
    """资金拨付 by finance."""

    fund_source: FundSource


@dataclass(frozen=True, slots=True)
class Objection:
    """An objection filed by anyone during the public notice."""

    text: str


@dataclass(frozen=True, slots=True)
class FraudReport:
    """Fraud found at any stage (003 (十), 000 五)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Recovery:
    """追回: the money recovered after fraud found on a paid case (003 (十), 000 五)."""

    recovered_fen: int
    comment: str


@dataclass(frozen=True, slots=True)
class Rectification:
    """整改验收: a suspended institution's rectification accepted by the bureau (004 三(三))."""

    institution: str
    comment: str


TaskInput = (
    OpeningApplication
    | Review
    | OpeningDayCheck
    | SpotCheck
    | AssessmentRequest
    | AssessmentResult
    | SubsidyClaim
    | Investigation
    | PaymentApproval
    | Disbursement
    | Objection
    | FraudReport
    | Recovery
    | Rectification
)
