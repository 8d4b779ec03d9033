"""What each document shows, taken from a case file: plain dicts for the templates, nothing personal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents.sources import CaseFile, Filed
from domain.calendar import SHANGHAI
from domain.vocab import AssessmentKind
from forms.catalogue import FORM_IDS, load_schema
from forms.task_definitions import CASE_STATUSES

DECISIONS = {"approve": "同意", "return": "退回修改", "reject": "不同意"}
SIGN_IN = {"fingerprint": "指纹签到", "face": "人脸识别签到", "paper": "纸质签到"}
# the rows of 结业考核 on 004 attachment 2, in its order
ASSESSMENT_ROWS = (
    (AssessmentKind.QUALIFICATION, "参加国家职业资格鉴定人数"),
    (AssessmentKind.SKILL_LEVEL, "参加职业技能等级评定人数"),
    (AssessmentKind.SPECIAL_OPERATION, "参加特种作业操作考核人数"),
    (AssessmentKind.SPECIAL_ABILITY, "参加专项能力考核认定人数"),
    (AssessmentKind.COMPLETION, "参加结业考核人数"),
)
EVENT_TYPES = {
    "case_created": "案件建立",
    "task_completed": "办理",
    "timers_fired": "期限到达",
    "objection_joined": "异议处理完毕",
    "fraud_recovery_started": "追回程序启动",
}
_PERSONAL = ("id_number", "phone", "bank_account")
_VALUES = {**DECISIONS, **SIGN_IN, "full_time": "全日制", "part_time": "非全日制"}


def _review(filed: Filed | None) -> dict[str, str]:
    """A review's signature line: who, decision, comment, date."""
    if filed is None:
        return {"by": "", "decision": "", "comment": "", "on": ""}
    return {
        "by": filed.event.actor or "",
        "decision": DECISIONS.get(str(filed.form.get("decision", "")), str(filed.form.get("decision", ""))),
        "comment": str(filed.form.get("comment", "")),
        "on": filed.event.at.astimezone(SHANGHAI).date().isoformat(),
    }


def _assessment(case_file: CaseFile) -> dict[str, Any]:
    result = case_file.last("assessment_result")
    request = case_file.last("assessment_request")
    rows = {str(r.get("kind")): r for r in (result.form.get("results") or [])} if result else {}
    lines = [
        {
            "label": label,
            "participants": rows.get(kind.value, {}).get("participants", ""),
            "certified": rows.get(kind.value, {}).get("certified", ""),
        }
        for kind, label in ASSESSMENT_ROWS
    ]
    return {
        "on": request.form.get("date", "") if request else "",
        "participants": sum(int(r.get("participants", 0)) for r in rows.values()) if rows else "",
        "rows": lines,
        "certified": case_file.case.figures.get("certified", ""),
        "by": result.event.actor if result else "",
        "satisfaction": result.form.get("satisfaction_pct", "") if result else "",
    }


def application(case_file: CaseFile) -> dict[str, Any]:
    """004 attachment 2 (申请表) as the case filled it."""
    case, figures = case_file.case, case_file.case.figures
    opening = case_file.last("opening_application")
    form = opening.form if opening else {}
    day_check = case_file.last("opening_day_check")
    claim = case_file.last("subsidy_claim")
    payment = case_file.payment
    spot = [
        {"on": s.checked_on, "place": s.place, "teachers": s.teachers_present, "attendance": s.attendance}
        for s in case_file.spot_checks
    ]
    inspectors = [f.event.actor or "" for f in case_file.filed("spot_check")]
    for i, row in enumerate(spot):
        row["by"] = inspectors[i] if i < len(inspectors) else ""
    notice = case_file.notice
    return {
        "case": case,
        "applicant_label": {"individual": "个人", "enterprise": "企业"}.get(case.applicant_kind, "培训机构"),
        "form": form,
        "roster_count": len(case_file.roster),
        "opening_reviews": [_review(case_file.last(t)) for t in ("opening_first_review", "opening_recheck")],
        "opening_approval": _review(case_file.last("opening_approval")),
        "day_check": {
            "count": day_check.form.get("actual_count", "") if day_check else "",
            "sign_in": SIGN_IN.get(str(day_check.form.get("sign_in")), "") if day_check else "",
            "materials": ("已留存" if day_check.form.get("materials_kept") else "未留存")
            if day_check
            else "",
            "by": day_check.event.actor if day_check else "",
        },
        "spot_checks": spot or [{"on": None, "place": "", "teachers": "", "attendance": "", "by": ""}],
        "average_attendance": figures.get("attendance_base", ""),
        "assessment": _assessment(case_file),
        "claim": {
            "count": claim.form.get("claimed_count", "") if claim else "",
            "eligible": figures.get("eligible", ""),
            "amount_fen": figures.get("amount_fen"),
            "committed": bool(claim and claim.form.get("commitment")),
            "by": claim.event.actor if claim else "",
            "on": claim.event.at if claim else None,
        },
        "claim_reviews": [_review(case_file.last(t)) for t in ("claim_first_review", "claim_recheck")],
        "notice": notice,
        "notice_days": (notice.end - notice.start).days + 1 if notice else "",
        "objections": len(case_file.objections),
        "objections_upheld": sum(1 for o in case_file.objections if (o.outcome or "").startswith("upheld")),
        "payment_approval": _review(case_file.last("payment_approval")),
        "payment": payment if payment is not None and payment.status == "paid" else None,
        "fund_source": payment.fund_source if payment is not None else "",
    }


def notice(case_file: CaseFile) -> dict[str, Any]:
    """The public notice: class, period, amount and masked names (no ID number, phone or account)."""
    case = case_file.case
    published = case_file.notice
    return {
        "case": case,
        "notice": published,
        "year": published.start.year if published else case.start_date.year,
        "eligible": case.figures.get("eligible", ""),
        "amount_fen": published.amount_fen if published else case.figures.get("amount_fen", 0),
        "names": [r.name for r in case_file.roster],
    }


def voucher(case_file: CaseFile) -> dict[str, Any]:
    """The payment voucher: payee from the payment row, amount in figures and in 大写."""
    approval = case_file.last("payment_approval")
    disbursement = case_file.last("disbursement")
    return {
        "case": case_file.case,
        "payment": case_file.payment,
        "approved_by": approval.event.actor if approval else "",
        "approved_at": approval.event.at if approval else None,
        "ordered_by": disbursement.event.actor if disbursement else "",
        "payee_kind": {"individual": "个人", "enterprise": "企业"}.get(
            case_file.payment.payee_kind if case_file.payment else "", "培训机构"
        ),
    }


def _value(key: str, value: Any, titles: Mapping[str, Any] | None = None) -> str:
    if any(p in key for p in _PERSONAL):
        digits = "".join(str(value).split())
        return "****" + digits[-4:] if len(digits) > 4 else "****"  # noqa: PLR2004 - last four kept
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        if key == "roster":
            return f"{len(value)} 人"
        return "；".join(_value(key, v, titles) for v in value)
    if isinstance(value, Mapping):
        return "，".join(f"{_title_of(titles or {}, str(k))} {_value(str(k), v)}" for k, v in value.items())
    return _VALUES.get(str(value), str(value))


def summary(task: str | None, form: Mapping[str, Any]) -> str:
    """A form in one line with its fields' Chinese titles; personal digits cut to their last four."""
    titles: Mapping[str, Any] = {}
    if task in FORM_IDS:
        titles = load_schema(str(task)).get("properties", {})
    parts = []
    for key, value in form.items():
        field = titles.get(key)
        item = field.get("items") if isinstance(field, Mapping) else None
        items = item.get("properties", {}) if isinstance(item, Mapping) else {}
        parts.append(f"{_title_of(titles, key)}：{_value(key, value, items)}")
    return "；".join(parts)


def _title_of(properties: Mapping[str, Any], key: str) -> str:
    field = properties.get(key)
    return str(field.get("title", key)) if isinstance(field, Mapping) else key


def _title(task: str | None) -> str:
    if task in FORM_IDS:
        return str(load_schema(str(task)).get("title", task))
    return str(task or "")


def dossier(case_file: CaseFile) -> dict[str, Any]:
    """Every event with its hashes, every decision evaluated, evidence hashes, and the chain's anchoring."""
    events = []
    for e in case_file.events:
        payload = e.payload
        task = payload.get("task")
        what = _title(task) if e.type == "task_completed" else EVENT_TYPES.get(e.type, e.type)
        if e.type.startswith("message:"):
            what = {"message:payment_confirmed": "到账确认"}.get(e.type, e.type.removeprefix("message:"))
        form = case_file.forms.get(e.seq, payload.get("form") or {})  # personal values back, cut below
        detail = summary(task, form) if e.type == "task_completed" else ""
        state = payload.get("state") or {}
        events.append(
            {"seq": e.seq, "at": e.at, "what": what, "actor": e.actor or "系统", "detail": detail,
             "status": CASE_STATUSES.get(str(state.get("status", "")), str(state.get("status", ""))),
             "hash": e.hash}
        )  # fmt: skip
    evidence = [
        {"seq": e.seq, "name": key, "sha256": value}
        for e in case_file.events
        for key, value in (e.payload.get("form") or {}).items()
        if key.endswith("sha256") and isinstance(value, str)
    ]
    head = case_file.events[-1] if case_file.events else None
    anchored = case_file.anchored
    return {
        "case": case_file.case,
        "status": CASE_STATUSES.get(case_file.case.status, case_file.case.status),
        "events": events,
        "decisions": [
            {
                "seq": e.seq,
                "table": d.get("table"),
                "version": d.get("version", {}),
                "inputs": d.get("inputs", {}),
                "output": d.get("output", {}),
            }
            for e, d in case_file.decisions()
        ],  # fmt: skip
        "evidence": evidence,
        "head": head,
        "anchor": case_file.anchor,
        "anchored": anchored,
        "anchored_is_head": bool(
            head and anchored and (anchored.seq, anchored.hash) == (head.seq, head.hash)
        ),
    }
