"""A realistic year of subsidised classes, as scenario files: one per institution (its cases in time order).

Each institution's classes form one stream: every rule that couples two cases (the institution's
status after a low satisfaction, its plan quota) couples cases of one institution only, and the
trainees are unique across the whole year, so a stream played alone decides exactly what it decides
inside the year. A stream is a scenario mapping (`scenarios/README.md`), played by the same runner as
`subsidyflow scenario run`; `yaml.safe_dump` of it is a scenario file.

Deterministic for a seed: the same spec gives the same streams, byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from stdnum.cn import uscc

from domain.calendar import SHANGHAI, BusinessCalendar
from domain.idnumber import IdentityGenerator
from domain.policy import Policy

# (occupation, level, standard hours, share of classes); the levels the demo catalogue publishes.
CATALOGUE = (
    ("焊工", "中级工", 160), ("焊工", "高级工", 200), ("电工", "初级工", 120), ("电工", "中级工", 160),
    ("电工", "技师", 240), ("钳工", "中级工", 160), ("车工", "高级工", 200), ("家政服务员", "初级工", 100),
    ("养老护理员", "初级工", 100), ("养老护理员", "中级工", 140), ("育婴员", "初级工", 100),
    ("中式烹调师", "初级工", 100), ("中式烹调师", "中级工", 140), ("电子商务师", "专项职业能力", 80),
    ("焊工", "培训合格证", 60), ("电子商务师", "创业培训", 80), ("钳工", "高级技师", 280),
)  # fmt: skip
DEMO_INSTITUTIONS = ("济源职业技术学院", "济源技师学院", "济源市劳动就业培训中心", "济源市机械高级技工学校")
_PLACES = ("理论教室", "实训车间", "实训室", "多媒体教室")
_CITIES = ("郑州", "洛阳", "开封", "新乡", "焦作", "安阳", "许昌", "南阳", "信阳", "商丘", "周口", "济源")
_KINDS = ("职业技能等级认定", "专项职业能力考核", "结业考核")
_FUNDS = ("就业补助资金", "失业保险基金", "职业技能提升行动资金")
_OPENING_REVIEWS = (
    ("reviewer", "opening_first_review", "wang"), ("rechecker", "opening_recheck", "li"),
    ("approver", "opening_approval", "zhao"),
)  # fmt: skip
_CHECK_HOUR = 9  # the opening-day check at 09:30
_FAIL_SHARE = 0.08  # trainees who fail the assessment
_KEY_GROUP_MAX = 30


@dataclass(frozen=True)
class Rates:
    """How often each path happens (shares of cases, 0–1)."""

    returned: float = 0.10  # an application or a claim sent back once and corrected
    cancelled: float = 0.03  # opening-day attendance below 90 %
    objection: float = 0.03  # an objection during the notice
    objection_upheld: float = 0.25  # of the objections: upheld, the case rejected
    fraud: float = 0.004  # found fraudulent during training
    late_review: float = 0.06  # a reviewer late (opening, claim or payment)
    low_satisfaction: float = 0.01  # satisfaction below 85 %: the institution is suspended
    low_attendance: float = 0.05  # a spot check below 90 %
    enterprise: float = 0.08  # 企业自主培训
    individual: float = 0.04  # 个人申请
    tight_quota: float = 0.2  # institutions whose plan quota leaves little room


@dataclass(frozen=True)
class YearSpec:
    """What year to generate: how many classes, how many institutions, the rates, the seed."""

    cases: int
    year: int = 2026
    seed: int = 2026
    per_institution: int = 20  # classes per institution on average
    rates: Rates = field(default_factory=Rates)


@dataclass
class Stream:
    """One institution's classes of the year: a scenario mapping and the labels of its cases."""

    institution: str
    scenario: dict[str, Any]
    labels: list[str]


class _Timeline:
    """Working-day arithmetic for the generator (the same calendar that judges the cases)."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.cal = calendar

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), SHANGHAI)

    def add(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def sub(self, day: date, n: int) -> date:
        return self.cal.sub_working_days(day, n)


def _credit_code(rng: random.Random) -> str:
    body = (
        "91"
        + "410"
        + f"{rng.randrange(1000):03d}"
        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    )
    return body + uscc.calc_check_digit(body)


def _step(at: datetime, case: str, user: str, role: str, task: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"at": at, "case": case, "actor": {"user": user, "role": role}, "task": task, "data": data}


class _CaseWriter:
    """The steps of one class from its application to its payment (or the end of its path)."""

    def __init__(
        self, rng: random.Random, tl: _Timeline, policy: Policy, rates: Rates, ids: IdentityGenerator
    ):
        self.rng, self.tl, self.policy, self.rates, self.ids = rng, tl, policy, rates, ids

    def _chance(self, share: float) -> bool:
        return self.rng.random() < share

    def application(
        self, label: str, inst: str, user: str, start: date, kind: str, no: int
    ) -> dict[str, Any]:
        rng = self.rng
        occupation, level, hours = rng.choice(CATALOGUE)
        end = start + timedelta(days=rng.randrange(28, 70))
        count = 1 if kind == "individual" else rng.randrange(12, 51)
        key_group = kind != "individual" and count <= _KEY_GROUP_MAX and self._chance(0.2)
        practical = round(hours * rng.uniform(0.66, 0.8))
        trainees = self.ids.trainees(
            count, on=start, limits=self.policy.age_limits, today=start - timedelta(days=30)
        )
        data: dict[str, Any] = {
            "institution": inst, "contact_name": rng.choice("王李张刘陈杨赵黄") + "老师",
            "contact_phone": f"138{rng.randrange(10**8):08d}", "bank_name": "中国工商银行" + rng.choice(_CITIES) + "分行",
            "bank_account": f"6222{rng.randrange(10**15):015d}", "batch": f"{start.year}-{occupation}-{no:03d}",
            "start_date": start, "end_date": end, "schedule": "full_time", "class_hours": hours,
            "practical_hours": practical, "occupation": occupation, "level": level, "planned_count": count,
            "mode": "企业自主培训" if kind == "enterprise" else "委托培训", "key_group": key_group,
            "roster": [{"name": t.name, "id_number": t.id_number, "phone": t.phone, "group": t.group} for t in trainees],
            "teaching_plan": f"理论{hours - practical}课时，实操{practical}课时",
        }  # fmt: skip
        if kind != "institution":
            data["applicant_kind"] = kind
        return data

    def steps(
        self, label: str, app: dict[str, Any], user: str, credit_code: str | None
    ) -> list[dict[str, Any]]:
        """The class's steps along one path drawn from the rates (stopping where the path ends)."""
        if credit_code is not None:
            app = {**app, "credit_code": credit_code}
        out: list[dict[str, Any]] = []
        if not self._opening(out, label, app, user) or not self._training(out, label, app, user):
            return out
        self._claim_and_payment(out, label, app, user)
        return out

    def _opening(self, out: list[dict[str, Any]], label: str, app: dict[str, Any], user: str) -> bool:
        """Application, review rounds (a return, a late approval), the opening-day check; False: cancelled."""
        rng, tl = self.rng, self.tl
        start: date = app["start_date"]
        count: int = app["planned_count"]
        day = tl.sub(start, rng.randrange(self.policy.opening_lead_working_days + 2, 15))
        out.append(_step(tl.at(day, 9), label, user, "applicant", "opening_application", app))
        if self._chance(self.rates.returned):
            day = tl.add(day, 1)
            out.append(_step(tl.at(day, 10), label, "wang", "reviewer", "opening_first_review",
                             {"decision": "return", "comment": "请补充教学计划"}))  # fmt: skip
            day = tl.add(day, 1)
            out.append(_step(tl.at(day, 9), label, user, "applicant", "opening_application", app))
        late = self._chance(self.rates.late_review / 3)
        for role, task, who in _OPENING_REVIEWS:
            day = start if late and task == "opening_approval" else tl.add(day, 1)
            when = tl.at(day, 10)
            if when >= tl.at(start, _CHECK_HOUR):  # late: done on the opening day, before the check
                when = tl.at(start, _CHECK_HOUR - 1)
            out.append(_step(when, label, who, role, task, {"decision": "approve", "comment": "同意"}))
        actual = count
        if count > 1 and self._chance(self.rates.cancelled):
            actual = max(0, (count * 9) // 10 - 1 - rng.randrange(3))
        out.append(_step(tl.at(start, _CHECK_HOUR, 30), label, "sun", "inspector", "opening_day_check",
                         {"actual_count": actual, "sign_in": rng.choice(["face", "fingerprint"]),
                          "materials_kept": True}))  # fmt: skip
        return actual * 10 >= count * 9

    def _training(self, out: list[dict[str, Any]], label: str, app: dict[str, Any], user: str) -> bool:
        """Fraud found, or a spot check, the assessment request and its result; False: stopped."""
        rng, tl = self.rng, self.tl
        start: date = app["start_date"]
        end: date = app["end_date"]
        count: int = app["planned_count"]
        if self._chance(self.rates.fraud):
            found = start + timedelta(days=rng.randrange(3, max(4, (end - start).days - 5)))
            out.append({"at": tl.at(found, 16), "case": label, "actor": {"user": "sun", "role": "inspector"},
                        "event": "fraud", "data": {"reason": "学员代签到，虚报参训人数"}})  # fmt: skip
            return False
        middle = start + timedelta(days=(end - start).days // 2)
        low = self._chance(self.rates.low_attendance)
        attendance = (count * 8) // 10 if low else max(0, count - rng.randrange(0, 2))
        out.append(_step(tl.at(middle, 15), label, "sun", "inspector", "spot_check",
                         {"date": middle, "place": rng.choice(_PLACES) + str(rng.randrange(1, 6)),
                          "teachers_present": rng.randrange(1, 4), "attendance": attendance}))  # fmt: skip
        request = end - timedelta(days=self.policy.assessment_lead_days + rng.randrange(1, 6))
        out.append(_step(tl.at(request, 9), label, user, "applicant", "assessment_request",
                         {"date": end, "kinds": [rng.choice(_KINDS)]}))  # fmt: skip
        certified = count - sum(1 for _ in range(count) if rng.random() < _FAIL_SHARE)
        low_mark = self._chance(self.rates.low_satisfaction)
        satisfaction = rng.randrange(70, 85) if low_mark else rng.randrange(86, 100)
        out.append(_step(tl.at(end, 17), label, "sun", "inspector", "assessment_result",
                         {"results": [{"kind": "结业考核", "participants": count, "certified": certified}],
                          "satisfaction_pct": satisfaction}))  # fmt: skip
        return True

    def _claim_and_payment(
        self, out: list[dict[str, Any]], label: str, app: dict[str, Any], user: str
    ) -> None:
        """The claim (a return), its review (late or not), the notice (an objection), the payment (late or not)."""
        rng, tl, policy = self.rng, self.tl, self.policy
        claim = {"claimed_count": app["planned_count"], "commitment": True}
        day = tl.add(app["end_date"], rng.randrange(1, 6))
        out.append(_step(tl.at(day, 10), label, user, "applicant", "subsidy_claim", claim))
        if self._chance(self.rates.returned / 2):
            day = tl.add(day, 1)
            out.append(_step(tl.at(day, 10), label, "wang", "reviewer", "claim_first_review",
                             {"decision": "return", "comment": "请补充取证名单"}))  # fmt: skip
            day = tl.add(day, 1)
            out.append(_step(tl.at(day, 10), label, user, "applicant", "subsidy_claim", claim))
        late = self._chance(self.rates.late_review / 3)
        day = tl.add(day, policy.claim_review_days + rng.randrange(1, 4) if late else rng.randrange(1, 3))
        out.append(_step(tl.at(day, 10), label, "wang", "reviewer", "claim_first_review",
                         {"decision": "approve", "comment": "核实无误"}))  # fmt: skip
        day = tl.add(day, 1)
        out.append(_step(tl.at(day, 10), label, "li", "rechecker", "claim_recheck",
                         {"decision": "approve", "comment": "同意公示"}))  # fmt: skip
        notice_start = tl.add(day, 1)
        after = tl.add(notice_start, policy.notice_days - 1)
        if self._chance(self.rates.objection):
            out.append({"at": tl.at(notice_start, 20), "case": label, "event": "objection",
                        "data": {"text": "有学员未实际参训"}})  # fmt: skip
            upheld = self._chance(self.rates.objection_upheld)
            after = tl.add(after, 1)
            out.append(_step(tl.at(after, 10), label, "wang", "reviewer", "objection_investigation",
                             {"decision": "upheld_reject" if upheld else "dismissed", "comment": "已核查"}))  # fmt: skip
            if upheld:
                return
        late = self._chance(self.rates.late_review / 3)
        day = tl.add(after, policy.payment_days + rng.randrange(1, 3) if late else 1)
        out.append(
            _step(tl.at(day, 10), label, "zhao", "approver", "payment_approval", {"decision": "approve"})
        )
        out.append(_step(tl.at(day, 14), label, "qian", "finance", "disbursement",
                         {"fund_source": rng.choice(_FUNDS)}))  # fmt: skip


def generate_year(spec: YearSpec, calendar: BusinessCalendar, policy: Policy) -> list[Stream]:
    """The year's classes, one stream per institution (or enterprise), deterministic for the spec's seed."""
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible simulation data, not secrets
    ids = IdentityGenerator(f"year-{spec.year}-{spec.seed}")
    tl = _Timeline(calendar)
    writer = _CaseWriter(rng, tl, policy, spec.rates, ids)
    institutions = max(1, round(spec.cases / spec.per_institution))
    names = [
        *DEMO_INSTITUTIONS,
        *(f"{rng.choice(_CITIES)}市第{i}职业培训学校" for i in range(1, institutions + 1)),
    ]
    names = names[:institutions]
    share = [0] * institutions
    for i in range(spec.cases):
        share[i % institutions] += 1
    first, last = date(spec.year, 1, 20), date(spec.year, 8, 15)
    span = (last - first).days
    streams: list[Stream] = []
    serial = 0
    for index, (name, n) in enumerate(zip(names, share, strict=True)):
        steps: list[dict[str, Any]] = []
        labels: list[str] = []
        planned = 0
        enterprises: list[dict[str, Any]] = []
        for _ in range(n):
            serial += 1
            label = f"C{serial:06d}"
            start = first + timedelta(days=rng.randrange(span))
            while not calendar.is_workday(start):
                start += timedelta(days=1)
            draw = rng.random()
            kind = "enterprise" if draw < spec.rates.enterprise else (
                "individual" if draw < spec.rates.enterprise + spec.rates.individual else "institution")  # fmt: skip
            applicant_org, credit = name, None
            if kind == "enterprise":
                applicant_org, credit = f"{rng.choice(_CITIES)}{serial}号制造有限公司", _credit_code(rng)
                enterprises.append({"name": applicant_org, "credit_code": credit, "status": "active"})
            user = f"u{index:05d}" if kind == "institution" else f"a{serial:06d}"
            app = writer.application(label, applicant_org, user, start, kind, serial)
            planned += app["planned_count"] if kind != "enterprise" else 0
            steps += writer.steps(label, app, user, credit)
            labels.append(label)
        steps.sort(key=lambda s: s["at"])  # stable: steps of one instant keep their order
        tight = rng.random() < spec.rates.tight_quota
        quota = max(1, planned if tight else round(planned * 1.3))
        fixtures: dict[str, Any] = {"plan": [{"year": spec.year, "institution": name, "quota": quota}]}
        if name not in DEMO_INSTITUTIONS:
            fixtures["institutions"] = [{"name": name, "status": "active"}]
        if enterprises:
            fixtures["enterprises"] = enterprises
        begin = min((s["at"] for s in steps), default=tl.at(first, 8))
        finish = min(
            max((s["at"] for s in steps), default=begin) + timedelta(days=20),
            tl.at(date(spec.year, 12, 31), 23),
        )
        scenario = {"scenario": f"{spec.year} 年度模拟：{name}", "start": begin, "fixtures": fixtures,
                    "steps": steps, "end": finish}  # fmt: skip
        streams.append(Stream(name, scenario, labels))
    return streams
