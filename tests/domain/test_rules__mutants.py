"""Version-2 rules pinned exactly: age boundaries (002), the assessment window (004 (三)3), plan quotas
(004 attachment 1), applicants (004 (三)4, GB 32100), 万元 display and Refused, messages word for word.

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from domain_fakes import INSTITUTION, FakeCatalogue, FakePlanBook, roster

from domain.applicant import check_applicant
from domain.assessment import check_assessment_request
from domain.eligibility import AgeLimits, ineligibility, is_eligible, is_male
from domain.errors import ErrorCode, Refused, Violation
from domain.money import format_wanyuan
from domain.plan import PlanLine, check_quota
from domain.policy import Policy
from domain.records import OpeningApplication
from domain.vocab import ApplicantKind, InstitutionStatus, TrainingMode

MakeApp = Callable[..., OpeningApplication]
LIMITS = AgeLimits(min_age=16, max_male=60, max_female=55)
ON = date(2026, 11, 16)
CREDIT = "91419001MA3X5R7LXJ"
BLOCKED = ErrorCode.INSTITUTION_BLOCKED


# -- 002: 法定劳动年龄内 -----------------------------------------------------------------------------


def test_002_eligible_from_the_16th_birthday() -> None:
    """002: a person turning 16 on the start date is of working age; the day before is not."""
    assert is_eligible(date(2010, 11, 16), male=True, on=ON, limits=LIMITS)
    assert not is_eligible(date(2010, 11, 17), male=True, on=ON, limits=LIMITS)


def test_002_no_longer_eligible_on_the_60th_and_55th_birthday() -> None:
    """002: men under 60, women under 55 — the birthday itself is the first ineligible day."""
    assert not is_eligible(date(1966, 11, 16), male=True, on=ON, limits=LIMITS)
    assert is_eligible(date(1966, 11, 17), male=True, on=ON, limits=LIMITS)
    assert not is_eligible(date(1971, 11, 16), male=False, on=ON, limits=LIMITS)
    assert is_eligible(date(1971, 11, 17), male=False, on=ON, limits=LIMITS)
    assert is_eligible(date(1966, 11, 17), male=False, on=ON, limits=AgeLimits(16, 60, 61))


@pytest.mark.parametrize(("digit", "male"), [(str(d), d % 2 == 1) for d in range(10)])
def test_gb11643_sex_from_the_17th_digit(digit: str, male: bool) -> None:
    """GB 11643: odd 17th digit for men, even for women — every digit."""
    assert is_male(f"4108811990010100{digit}0") is male


@pytest.mark.parametrize(("digit", "sex", "upper"), [("1", "男性", 60), ("2", "女性", 55)])
def test_002_too_old_message_names_sex_and_limit(digit: str, sex: str, upper: int) -> None:
    """002: the refusal says the age and the sex's own limit."""
    number = f"4108811950010100{digit}0"
    assert ineligibility(number, on=ON, limits=LIMITS) == (
        f"开班日 2026-11-16 时年龄为 76 周岁，{sex}须未满 {upper} 周岁"
    )


# -- 004 (三)3: 结业考核申请 ----------------------------------------------------------------------------


def test_004_3_3_late_request_message() -> None:
    """004 (三)3 结业前3天提出考核申请: filed after end - 3 days is too_late, dates named."""
    policy = Policy()
    end = date(2026, 12, 25)
    assert (
        check_assessment_request(
            filed_on=date(2026, 12, 22), assessment_date=date(2026, 12, 26), end_date=end, policy=policy
        )
        == []
    )
    assert check_assessment_request(
        filed_on=date(2026, 12, 23), assessment_date=date(2026, 12, 26), end_date=end, policy=policy
    ) == [
        Violation(
            ErrorCode.TOO_LATE,
            "date",
            "结业考核申请须在结业日 2026-12-25 前 3 天（2026-12-22 前）提出，已逾期",
        )
    ]


def test_004_3_3_assessment_before_the_request_message() -> None:
    """The assessment takes place on or after the request day."""
    policy = Policy()
    end = date(2026, 12, 25)
    filed = date(2026, 12, 1)
    assert check_assessment_request(filed_on=filed, assessment_date=filed, end_date=end, policy=policy) == []
    assert check_assessment_request(
        filed_on=filed, assessment_date=date(2026, 11, 30), end_date=end, policy=policy
    ) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "date",
            "考核日期 2026-11-30 早于申请日 2026-12-01，请填写申请日当天或之后的考核日期",
        )
    ]


# -- 004 attachment 1: 培训计划任务 ------------------------------------------------------------------


def test_quota_every_overrun_line_is_named_after_one_that_fits(make_app: MakeApp) -> None:
    """004 attachment 1: each plan line is checked; a line with room does not stop the next one's check."""
    app = make_app(project_type="就业技能培训")
    book = FakePlanBook(
        lines=[
            PlanLine(2026, INSTITUTION, 100, "就业技能培训"),
            PlanLine(2026, INSTITUTION, 2),
        ]
    )
    assert check_quota(app, book) == [
        Violation(
            ErrorCode.QUOTA_EXCEEDED,
            "planned_count",
            f"“{INSTITUTION}” 2026 年培训计划任务为 2 人，连同本班 3 人已申报 3 人，超出 1 人，"
            "请减少计划人数或申请调整年度计划",
        )
    ]


def test_quota_typed_line_names_its_type(make_app: MakeApp) -> None:
    """A line of one project type names that type in the refusal."""
    app = make_app(project_type="就业技能培训")
    book = FakePlanBook(lines=[PlanLine(2026, INSTITUTION, 2, "就业技能培训")])
    assert check_quota(app, book)[0].message == (
        f"“{INSTITUTION}” 2026 年“就业技能培训”培训计划任务为 2 人，连同本班 3 人已申报 3 人，超出 1 人，"
        "请减少计划人数或申请调整年度计划"
    )


# -- 004 (三)4: 申请人 ---------------------------------------------------------------------------------


def test_institution_not_in_the_catalogue_is_named(make_app: MakeApp) -> None:
    """003 (十): the unknown institution's name is in the refusal."""
    app = make_app(institution="不存在的学校")
    assert check_applicant(app, FakeCatalogue()) == [
        Violation(
            BLOCKED,
            "institution",
            "承训机构“不存在的学校”不在培训机构目录中，请核对机构名称，或先申请纳入目录",
        )
    ]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (None, "企业申请须填写18位统一社会信用代码，请按营业执照填写"),
        ("91419001MA3X5R7LXK", "统一社会信用代码校验位不正确，请按营业执照核对后重新填写"),
        (
            "91419001MA3X5R7LXI",
            "统一社会信用代码格式不正确（前8位为数字，其余为数字或大写字母，不含 I、O、Z、S、V），请按营业执照核对",
        ),
        ("914190", "统一社会信用代码应为18位，现为6位，请按营业执照核对"),
    ],
)
def test_gb32100_credit_code_messages(make_app: MakeApp, code: str | None, text: str) -> None:
    """GB 32100: each kind of bad credit code has its own message."""
    app = make_app(applicant_kind=ApplicantKind.ENTERPRISE, credit_code=code)
    assert check_applicant(app, FakeCatalogue()) == [Violation(ErrorCode.INVALID_FIELD, "credit_code", text)]


@pytest.mark.parametrize(
    ("status", "what"),
    [(InstitutionStatus.SUSPENDED, "已被暂停开班"), (InstitutionStatus.BLACKLISTED, "已列入黑名单")],
)
def test_003_10_blocked_enterprise_message_says_why(
    make_app: MakeApp, status: InstitutionStatus, what: str
) -> None:
    """003 (十) 黑白名单: suspended and blacklisted enterprises are told apart; a wrong mode is named too."""
    app = make_app(applicant_kind=ApplicantKind.ENTERPRISE, credit_code=CREDIT, mode=TrainingMode.ENTRUSTED)
    assert check_applicant(app, FakeCatalogue(enterprises={CREDIT: status})) == [
        Violation(BLOCKED, "credit_code", f"统一社会信用代码为 {CREDIT} 的企业{what}，不能申请补贴性培训"),
        Violation(
            ErrorCode.INVALID_FIELD, "mode", "企业申请的培训方式应为“企业自主培训”，现为“委托培训”，请更正"
        ),
    ]


def test_individual_with_two_trainees_message(make_app: MakeApp) -> None:
    """004 attachment 2 note 2: 个人申请 is the applicant alone; the counts found are named."""
    app = make_app(applicant_kind=ApplicantKind.INDIVIDUAL, planned_count=1, roster=roster(2))
    assert check_applicant(app, FakeCatalogue()) == [
        Violation(
            ErrorCode.INVALID_FIELD,
            "planned_count",
            "个人申请只能为申请人本人一人：计划人数应为 1，花名册应只有 1 人（现为计划 1 人、花名册 2 人），请更正",
        )
    ]
    assert check_applicant(replace(app, roster=roster(1)), FakeCatalogue()) == []


# -- display and refusal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"), [(4_400_000, "4.40 万元"), (4_000_000, "4.00 万元"), (10, "0.00001 万元")]
)
def test_wanyuan_pads_to_two_places_only(fen: int, text: str) -> None:
    """万元 with two places at least: one place gets one zero, none gets two."""
    assert format_wanyuan(fen) == text


def test_refused_message_and_emptiness() -> None:
    """Refused lists every violation as 'code: message' joined by '; ' and needs at least one."""
    refused = Refused(
        [Violation(ErrorCode.TOO_LATE, "date", "晚了"), Violation(ErrorCode.INVALID_FIELD, None, "不对")]
    )
    assert str(refused) == "too_late: 晚了; invalid_field: 不对"
    with pytest.raises(ValueError, match=r"^Refused needs at least one violation$"):
        Refused([])
