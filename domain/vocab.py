"""Closed vocabularies of the lifecycle: levels, schedules, modes, decisions, kinds."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """Occupation level (级别) of a class; keys of the subsidy standard table."""

    JUNIOR = "初级工"
    INTERMEDIATE = "中级工"
    SENIOR = "高级工"
    TECHNICIAN = "技师"
    SENIOR_TECHNICIAN = "高级技师"
    SPECIAL_ABILITY = "专项职业能力"
    QUALIFIED_CERT = "培训合格证"
    ENTREPRENEURSHIP = "创业培训"


class Schedule(StrEnum):
    """Full-time or part-time class (000 五(三): 3 / 6 months at most)."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class TrainingMode(StrEnum):
    """Training mode of the opening form (004 attachment 2)."""

    SELF = "企业自主培训"
    ENTRUSTED = "委托培训"
    OTHER = "其他"


class ApplicantKind(StrEnum):
    """Who applies and is paid (004 (三)4: 由个人、企业或培训机构申领补贴)."""

    INSTITUTION = "institution"
    ENTERPRISE = "enterprise"
    INDIVIDUAL = "individual"


class Decision(StrEnum):
    """Outcome of a review step (初审 / 复核 / 人社审核)."""

    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


class PaymentDecision(StrEnum):
    """Outcome of the payment approval (人社审核)."""

    APPROVE = "approve"
    REJECT = "reject"


class InvestigationOutcome(StrEnum):
    """Outcome of an objection investigation during the public notice (004 (三)4)."""

    DISMISSED = "dismissed"
    UPHELD_RETURN = "upheld_return"
    UPHELD_REJECT = "upheld_reject"


class SignIn(StrEnum):
    """How trainees signed in on the opening day (004 (三)2)."""

    FINGERPRINT = "fingerprint"
    FACE = "face"
    PAPER = "paper"


class AssessmentKind(StrEnum):
    """Kinds of completion assessment (004 (三)3)."""

    QUALIFICATION = "职业资格鉴定"
    SKILL_LEVEL = "职业技能等级认定"
    SPECIAL_OPERATION = "特种作业操作考核"
    SPECIAL_ABILITY = "专项职业能力考核"
    COMPLETION = "结业考核"


class FundSource(StrEnum):
    """Fund a subsidy is paid from (资金拨付)."""

    EMPLOYMENT = "就业补助资金"
    UNEMPLOYMENT_INSURANCE = "失业保险基金"
    SKILL_ACTION = "职业技能提升行动资金"


class InstitutionStatus(StrEnum):
    """Catalogue status of a training institution (003 (十); 004 三(三))."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    BLACKLISTED = "blacklisted"


class Role(StrEnum):
    """Actors of the lifecycle; BPMN lanes carry these ids."""

    APPLICANT = "applicant"
    REVIEWER = "reviewer"
    RECHECKER = "rechecker"
    APPROVER = "approver"
    INSPECTOR = "inspector"
    FINANCE = "finance"
    PUBLIC = "public"
    PROCESS_OWNER = "process_owner"
    AUDITOR = "auditor"
    ADMIN = "admin"
