"""Who applies and who is paid (004 (三)4: 由个人、企业或培训机构申领): institution, enterprise or individual."""

from __future__ import annotations

import unicodedata
from typing import Protocol

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from domain.errors import ErrorCode, Violation
from domain.records import OpeningApplication
from domain.vocab import ApplicantKind, InstitutionStatus, TrainingMode


class InstitutionRegister(Protocol):
    """Catalogue statuses of training institutions (by name) and of enterprises (by credit code)."""

    def institution_status(self, name: str) -> InstitutionStatus | None:
        """The institution's status, None when it is not in the catalogue."""
        ...

    def enterprise_status(self, credit_code: str) -> InstitutionStatus | None:
        """The status of the enterprise with this credit code, None when it is not listed."""
        ...


def normalize_credit_code(value: str) -> str:
    """The credit code as stored: full-width characters made ASCII, blanks and dashes dropped, upper case."""
    return uscc.compact(unicodedata.normalize("NFKC", value))


def _violation(code: ErrorCode, field: str, message: str) -> Violation:
    return Violation(code=code, field=field, message=message)


def _institution(app: OpeningApplication, register: InstitutionRegister) -> list[Violation]:
    # 003 (十): 承訓機構目錄, “黑白名單”; 004 三(三): suspended after satisfaction below 85 %
    status = register.institution_status(app.institution)
    name = app.institution
    if status is None:
        text = f"承训机构“{name}”不在培训机构目录中，请核对机构名称，或先申请纳入目录"
    elif status is InstitutionStatus.SUSPENDED:
        text = f"承训机构“{name}”已被暂停开班（满意度低于要求，正在限期整改），整改验收通过后才能申请开班"
    elif status is InstitutionStatus.BLACKLISTED:
        text = f"承训机构“{name}”已列入黑名单，不能承担补贴性培训"
    else:
        return []
    return [_violation(ErrorCode.INSTITUTION_BLOCKED, "institution", text)]


def _credit_code_problem(value: str | None) -> str | None:
    """What is wrong with an enterprise's unified social credit code (GB 32100), None when it is valid."""
    if not value:
        return "企业申请须填写18位统一社会信用代码，请按营业执照填写"
    try:
        uscc.validate(value)
    except InvalidLength:
        return f"统一社会信用代码应为18位，现为{len(value)}位，请按营业执照核对"
    except InvalidChecksum:
        return "统一社会信用代码校验位不正确，请按营业执照核对后重新填写"
    except ValidationError:
        return "统一社会信用代码格式不正确（前8位为数字，其余为数字或大写字母，不含 I、O、Z、S、V），请按营业执照核对"
    return None


def _enterprise(app: OpeningApplication, register: InstitutionRegister) -> list[Violation]:
    # 004 (三)4: 企业 ... 申领补贴; GB 32100 统一社会信用代码 identifies the enterprise
    found: list[Violation] = []
    problem = _credit_code_problem(app.credit_code)
    if problem is not None:
        found.append(_violation(ErrorCode.INVALID_FIELD, "credit_code", problem))
    else:
        assert app.credit_code is not None  # noqa: S101 - checked just above
        # 003 (十): 黑白名单 — a listed enterprise is matched by its credit code alone, whatever the name
        status = register.enterprise_status(app.credit_code)
        if status in (InstitutionStatus.SUSPENDED, InstitutionStatus.BLACKLISTED):
            what = "已被暂停开班" if status is InstitutionStatus.SUSPENDED else "已列入黑名单"
            text = f"统一社会信用代码为 {app.credit_code} 的企业{what}，不能申请补贴性培训"
            found.append(_violation(ErrorCode.INSTITUTION_BLOCKED, "credit_code", text))
    # 004 attachment 2: 培训方式 — an enterprise training its own staff is 企业自主培训
    if app.mode is not TrainingMode.SELF:
        text = f"企业申请的培训方式应为“{TrainingMode.SELF.value}”，现为“{app.mode.value}”，请更正"
        found.append(_violation(ErrorCode.INVALID_FIELD, "mode", text))
    return found


def _individual(app: OpeningApplication, register: InstitutionRegister) -> list[Violation]:
    # 004 attachment 2 note 2: 个人申请的，将培训机构栏目改为个人 — one trainee, the applicant
    found = _institution(app, register)
    if app.planned_count != 1 or len(app.roster) != 1:
        text = (
            f"个人申请只能为申请人本人一人：计划人数应为 1，花名册应只有 1 人"
            f"（现为计划 {app.planned_count} 人、花名册 {len(app.roster)} 人），请更正"
        )
        found.append(_violation(ErrorCode.INVALID_FIELD, "planned_count", text))
    return found


def check_applicant(app: OpeningApplication, register: InstitutionRegister) -> list[Violation]:
    """Problems of the applicant: catalogue institution, enterprise credit code and mode, or individual."""
    if app.applicant_kind is ApplicantKind.ENTERPRISE:
        return _enterprise(app, register)
    if app.applicant_kind is ApplicantKind.INDIVIDUAL:
        return _individual(app, register)
    return _institution(app, register)
