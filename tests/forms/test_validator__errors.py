"""Bad form data: every refused field as invalid_field, with the contract's path and a plain Chinese message."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from domain.errors import ErrorCode, Refused, Violation
from forms.validator import FormResult, validate


def refused(task_id: str, data: Any) -> list[tuple[str | None, str]]:
    """(field, message) of every violation, asserting the form was refused with invalid_field only."""
    result = validate(task_id, data)
    assert not result.ok
    assert result.value is None
    assert {v.code for v in result.errors} == {ErrorCode.INVALID_FIELD}
    return [(v.field, v.message) for v in result.errors]


def only(task_id: str, data: Any) -> tuple[str | None, str]:
    """The single violation of a form refused for one reason."""
    errors = refused(task_id, data)
    assert len(errors) == 1, errors
    return errors[0]


def test_a_missing_field_names_it_in_chinese(application: dict[str, Any]) -> None:
    del application["contact_phone"]
    assert only("opening_application", application) == ("contact_phone", "缺少必填项：联系电话")


def test_a_missing_roster_field_has_the_item_path(application: dict[str, Any]) -> None:
    del application["roster"][2]["phone"]
    assert only("opening_application", application) == (
        "roster[2].phone",
        "缺少必填项：花名册第3人的联系电话",
    )


def test_an_unknown_field_is_to_be_deleted(application: dict[str, Any]) -> None:
    application["foo"] = 1
    application["roster"][0]["age"] = 30
    assert refused("opening_application", application) == [
        ("roster[0].age", "花名册第1人：不认识的字段 age，请删除"),
        ("foo", "不认识的字段 foo，请删除"),
    ]


def test_a_bad_date_says_the_format(application: dict[str, Any]) -> None:
    application["start_date"] = "2026/03/09"
    assert only("opening_application", application) == (
        "start_date",
        "开班日期 须为日期，格式 YYYY-MM-DD，例如 2026-03-09",
    )


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "20260309", "2026-3-9", "", 20260309])
def test_the_date_format_is_really_checked(bad: object) -> None:
    field, message = only(
        "spot_check", {"date": bad, "place": "车间", "teachers_present": 1, "attendance": 1}
    )
    assert field == "date"
    assert message.startswith("抽查日期 须为日期")


def test_date_objects_are_accepted_but_not_datetimes() -> None:
    data = {"date": date(2026, 4, 21), "kinds": ["结业考核"]}
    assert validate("assessment_request", data).ok
    data["date"] = datetime(2026, 4, 21, 9, 0)  # noqa: DTZ001
    assert only("assessment_request", data)[0] == "date"


def test_a_date_object_outside_a_date_field_is_refused(application: dict[str, Any]) -> None:
    application["batch"] = date(2026, 3, 1)  # YAML reads an unquoted 2026-03-01 as a date
    assert only("opening_application", application) == ("batch", "开班批次 须为文字")


@pytest.mark.parametrize("bad", [True, False, 40.0, "40", None])
def test_counts_are_strict_integers(bad: object) -> None:
    check = {"actual_count": bad, "sign_in": "face", "materials_kept": True}
    assert only("opening_day_check", check) == ("actual_count", "实到人数 须为整数，例如 40")


def test_a_negative_count_is_refused() -> None:
    check = {"actual_count": -1, "sign_in": "face", "materials_kept": True}
    assert only("opening_day_check", check) == ("actual_count", "实到人数 不能小于 0")


def test_class_hours_start_at_one(application: dict[str, Any]) -> None:
    application["class_hours"] = 0
    assert only("opening_application", application) == ("class_hours", "总课时 不能小于 1")


@pytest.mark.parametrize(
    ("bad", "message"), [(100.5, "不能大于 100"), (-1, "不能小于 0"), (True, "须为数字")]
)
def test_satisfaction_is_a_percentage(bad: object, message: str) -> None:
    data = {"results": [{"kind": "结业考核", "participants": 3, "certified": 3}], "satisfaction_pct": bad}
    assert only("assessment_result", data)[1].startswith(f"满意度 {message}")


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_satisfaction_is_a_finite_number(bad: float) -> None:
    data = {"results": [{"kind": "结业考核", "participants": 3, "certified": 3}], "satisfaction_pct": bad}
    assert only("assessment_result", data)[0] == "satisfaction_pct"


def test_satisfaction_may_be_a_fraction() -> None:
    data = {"results": [{"kind": "结业考核", "participants": 3, "certified": 3}], "satisfaction_pct": 84.5}
    assert validate("assessment_result", data).ok


def test_a_bad_result_line_has_its_path() -> None:
    data = {
        "results": [
            {"kind": "结业考核", "participants": 3, "certified": 3},
            {"kind": "结业考核", "participants": 3, "certified": "3"},
        ],
        "satisfaction_pct": 90,
    }
    assert only("assessment_result", data) == (
        "results[1].certified",
        "考核结果第2项的取证人数 须为整数，例如 37",
    )


def test_an_empty_result_list_is_refused() -> None:
    assert only("assessment_result", {"results": [], "satisfaction_pct": 90}) == (
        "results",
        "考核结果 不能为空，至少填 1 项",
    )


def test_a_decision_lists_the_choices() -> None:
    assert only("opening_first_review", {"decision": "ok"}) == (
        "decision",
        "决定 只能是：approve（通过）、return（退回修改）、reject（不予通过）",
    )
    assert only("objection_investigation", {"decision": "approve"})[1].startswith(
        "核查结论 只能是：dismissed（异议不成立，继续）、upheld_return"
    )
    assert only("payment_approval", {"decision": "return"})[1] == (
        "决定 只能是：approve（同意拨付）、reject（不同意拨付）"
    )


def test_a_wrongly_typed_choice_still_lists_the_choices() -> None:
    assert only("disbursement", {"fund_source": 1}) == (
        "fund_source",
        "资金来源 只能是：就业补助资金、失业保险基金、职业技能提升行动资金",
    )


def test_kinds_are_a_non_empty_list_without_repeats() -> None:
    assert only("assessment_request", {"date": "2026-04-21", "kinds": []})[0] == "kinds"
    repeated = {"date": "2026-04-21", "kinds": ["结业考核", "结业考核"]}
    assert only("assessment_request", repeated) == ("kinds", "考核类别 有重复的项，每项只能填一次")
    unknown = {"date": "2026-04-21", "kinds": ["结业考核", "岗前培训"]}
    field, message = only("assessment_request", unknown)
    assert field == "kinds[1]"
    assert message.startswith("考核类别第2项 只能是：职业资格鉴定、")


def test_kinds_may_be_a_tuple() -> None:
    assert validate("assessment_request", {"date": "2026-04-21", "kinds": ("结业考核",)}).ok


@pytest.mark.parametrize("phone", ["13800000001", "0391-6633333", "03916633333", "010-12345678"])
def test_mobile_and_landline_phones_are_accepted(application: dict[str, Any], phone: str) -> None:
    application["contact_phone"] = phone
    assert validate("opening_application", application).ok


@pytest.mark.parametrize("phone", ["12345678901", "1380000000", "138-0000-0001", "6633333", "13800000001x"])
def test_bad_phones_are_refused(application: dict[str, Any], phone: str) -> None:
    application["roster"][1]["phone"] = phone
    field, message = only("opening_application", application)
    assert field == "roster[1].phone"
    assert message.startswith("花名册第2人的联系电话 须为手机号（11 位")


def test_an_unquoted_phone_is_told_to_be_quoted(application: dict[str, Any]) -> None:
    application["contact_phone"] = 13800000001
    assert only("opening_application", application) == (
        "contact_phone",
        '联系电话 须为文字，数字请加引号，例如 "13800000001"',
    )


@pytest.mark.parametrize("account", ["62220000000", "6222 0000 0000 0000", "6" * 31, "622200000000000000A"])
def test_a_bank_account_is_12_to_30_digits(application: dict[str, Any], account: str) -> None:
    application["bank_account"] = account
    assert only("opening_application", application) == (
        "bank_account",
        "银行账号 须为 12–30 位数字，不含空格和横线",
    )


def test_id_numbers_are_left_to_the_domain(application: dict[str, Any]) -> None:
    application["roster"][0]["id_number"] = "123"  # id_number_invalid is the domain's call
    assert validate("opening_application", application).ok
    application["roster"][0]["id_number"] = 410881199503020118
    assert only("opening_application", application)[0] == "roster[0].id_number"


def test_names_are_1_to_20_characters(application: dict[str, Any]) -> None:
    application["roster"][0]["name"] = "   "
    application["roster"][1]["name"] = "名" * 21
    assert refused("opening_application", application) == [
        ("roster[0].name", "花名册第1人的姓名 不能为空"),
        ("roster[1].name", "花名册第2人的姓名 最多 20 个字"),
    ]


def test_an_empty_roster_or_a_generator_is_refused(application: dict[str, Any]) -> None:
    application["roster"] = []
    assert only("opening_application", application) == ("roster", "花名册 不能为空，至少填 1 项")
    application["roster"] = {"generate": 3}  # the scenario runner resolves this before validation
    assert only("opening_application", application) == ("roster", "花名册 须为列表")
    application["roster"] = ["赵一"]
    assert only("opening_application", application) == ("roster[0]", "花名册第1人 须为一组「字段: 值」")


def test_a_false_commitment_passes_the_form() -> None:
    claim = validate("subsidy_claim", {"claimed_count": 40, "commitment": False})
    assert claim.ok  # commitment_required is the domain's refusal
    assert only("subsidy_claim", {"claimed_count": 40, "commitment": "yes"}) == (
        "commitment",
        "真实性承诺 须为是或否（true / false）",
    )


def test_strings_are_trimmed() -> None:
    assert (
        validate("objection", {"text": "  有学员未参加培训\n"}).unwrap()
        == validate("objection", {"text": "有学员未参加培训"}).unwrap()
    )
    assert only("fraud", {"reason": " \n "}) == ("reason", "违规情况 不能为空")


def test_a_long_text_is_refused() -> None:
    assert only("opening_first_review", {"decision": "approve", "comment": "好" * 501}) == (
        "comment",
        "审核意见 最多 500 个字",
    )


def test_all_errors_come_back_in_form_order(application: dict[str, Any]) -> None:
    application.update(
        zzz="?",
        teaching_plan="",
        key_group="否",
        start_date="明天",
        institution=None,
        class_hours=True,
    )
    del application["level"]
    application["roster"][2]["id_number"] = None
    application["roster"][0]["group"] = ""
    application["roster"][0]["name"] = 1
    fields = [field for field, _ in refused("opening_application", application)]
    assert fields == [
        "institution",
        "start_date",
        "class_hours",
        "level",
        "key_group",
        "roster[0].name",
        "roster[0].group",
        "roster[2].id_number",
        "teaching_plan",
        "zzz",
    ]


def test_one_message_per_field() -> None:
    # 5 breaks both "type" and "enum": the list of choices is the one message
    assert len(refused("opening_first_review", {"decision": 5})) == 1


@pytest.mark.parametrize("bad", [None, [], "decision: approve", 1])
def test_a_form_that_is_not_a_mapping_is_one_error_without_a_field(bad: object) -> None:
    field, message = only("opening_first_review", bad)
    assert field is None
    assert message.startswith("表单数据须为一组「字段: 值」")


def test_an_empty_form_lists_every_missing_field() -> None:
    assert refused("spot_check", {}) == [
        ("date", "缺少必填项：抽查日期"),
        ("place", "缺少必填项：抽查地点"),
        ("teachers_present", "缺少必填项：在岗教师人数"),
        ("attendance", "缺少必填项：实到学员人数"),
    ]


def test_non_string_keys_are_unknown_fields() -> None:
    assert only("objection", {"text": "异议", 1: "x"}) == ("1", "不认识的字段 1，请删除")


def test_an_unknown_task_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no form for task id 'opening'"):
        validate("opening", {})


def test_unwrap_raises_refused_with_every_violation() -> None:
    result = validate("spot_check", {})
    with pytest.raises(Refused) as caught:
        result.unwrap()
    assert caught.value.violations == result.errors
    assert caught.value.first == Violation(ErrorCode.INVALID_FIELD, "date", "缺少必填项：抽查日期")


def test_form_result_is_frozen() -> None:
    result = FormResult(None, ())
    with pytest.raises(AttributeError):
        result.value = None  # type: ignore[misc]
