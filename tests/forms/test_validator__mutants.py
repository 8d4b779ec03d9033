"""Form validation (forms/validator.py) pinned exactly: a case's pinned deployment form is the one checked and
labelled (LIFECYCLE.md: a case keeps the forms of the deployment it started on), every refusal is in form order,
and one message per field (the most helpful; the first on a tie).

Written against the mutants that survived the earlier suite (mutmut, issue 7).
"""

from __future__ import annotations

import copy
import uuid
from datetime import date
from typing import Any

from domain.errors import ErrorCode, Violation
from domain.records import Objection, SpotCheck, SubsidyClaim
from forms.catalogue import schema_for
from forms.validator import _validator_of, validate

INVALID = ErrorCode.INVALID_FIELD


def _fresh(form_id: str) -> dict[str, Any]:
    """A deployment's copy of a form that no earlier run in this process can have compiled (a nonce)."""
    schema = schema_for(form_id)
    schema["$comment"] = uuid.uuid4().hex
    return schema


def _pinned_claim(maximum: int, title: str) -> dict[str, Any]:
    """The 补贴申领 form as a deployment holds it: with a bound and a title of its own."""
    schema = _fresh("subsidy_claim")
    schema["properties"]["claimed_count"]["maximum"] = maximum
    schema["properties"]["claimed_count"]["title"] = title
    return schema


def test_the_pinned_form_is_checked_and_labels_the_refusal() -> None:
    pinned = _pinned_claim(10, "申领人数（部署）")
    data = {"claimed_count": 11, "commitment": True}
    assert validate("subsidy_claim", data, pinned).errors == (
        Violation(INVALID, "claimed_count", "申领人数（部署） 不能大于 10"),
    )
    assert validate("subsidy_claim", data).value == SubsidyClaim(11, True)  # the release's form has no bound


def test_the_pinned_form_labels_a_value_out_of_bounds() -> None:
    pinned = _pinned_claim(10, "申领人数（部署）")
    assert validate("subsidy_claim", {"claimed_count": 10**12, "commitment": True}, pinned).errors == (
        Violation(
            INVALID,
            "claimed_count",
            "申领人数（部署） 的数值 1000000000000 超出合理范围（绝对值不能大于 1000000000），请检查",
        ),
    )


def test_two_pinned_forms_each_answer_for_themselves() -> None:
    data = {"claimed_count": 15, "commitment": True}
    assert not validate("subsidy_claim", data, _pinned_claim(10, "甲")).ok
    assert validate("subsidy_claim", data, _pinned_claim(20, "乙")).value == SubsidyClaim(15, True)
    assert not validate("subsidy_claim", data, _pinned_claim(10, "甲")).ok


def test_a_pinned_form_is_compiled_once_per_content_whatever_its_key_order() -> None:
    pinned = _pinned_claim(30, "丙")
    reordered = dict(reversed(list(copy.deepcopy(pinned).items())))
    assert list(reordered) != list(pinned)
    assert _validator_of("subsidy_claim", pinned) is _validator_of("subsidy_claim", reordered)
    assert _validator_of("subsidy_claim", pinned) is not _validator_of(
        "subsidy_claim", _pinned_claim(31, "丙")
    )


def test_a_pinned_form_checks_its_dates() -> None:
    pinned = _fresh("spot_check")
    data = {"date": "2026-02-30", "place": "实训楼", "teachers_present": 2, "attendance": 38}
    errors = validate("spot_check", data, pinned).errors
    assert [(e.field, e.message) for e in errors] == [
        ("date", "抽查日期 须为日期，格式 YYYY-MM-DD，例如 2026-03-25")
    ]
    record = validate("spot_check", {**data, "date": date(2026, 3, 9)}, pinned).value
    assert isinstance(record, SpotCheck) and record.date == date(2026, 3, 9)


def test_dates_inside_a_list_are_read_as_dates_of_their_items() -> None:
    """A YAML date in a list of date fields is the ISO text the form checks."""
    pinned = _fresh("objection")
    pinned["properties"]["days"] = {
        "type": "array",
        "title": "日期",
        "items": {"type": "string", "format": "date"},
    }
    result = validate("objection", {"text": "未实际参训", "days": [date(2026, 3, 9), "2026-03-10"]}, pinned)
    assert result.value == Objection("未实际参训")


def test_data_that_is_not_a_mapping_is_named_by_its_type() -> None:
    assert validate("subsidy_claim", ["a"]).errors == (  # type: ignore[arg-type]
        Violation(INVALID, None, "表单数据须为一组「字段: 值」，收到的是 list，请按表单逐项填写"),
    )


def _deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


def test_data_far_too_deep_is_refused_without_walking_it() -> None:
    """3000 levels: refused from the bounds check alone, never a RecursionError."""
    errors = validate("subsidy_claim", {"claimed_count": 1, "commitment": _deep(3000)}).errors
    assert len(errors) == 1
    assert errors[0].field == "commitment" + "[0]" * 49
    assert errors[0].message.endswith(" 嵌套层数超过 50 层，请按表单填写")


def test_too_deep_and_out_of_range_fields_are_refused_in_form_order() -> None:
    """Found deepest-first, shown in the form's order: 申领人数 before 真实性承诺."""
    errors = validate("subsidy_claim", {"claimed_count": 10**12, "commitment": _deep(60)}).errors
    assert [e.field for e in errors] == ["claimed_count", "commitment" + "[0]" * 49]


def test_of_two_messages_of_equal_rank_the_first_is_kept(application: dict[str, Any]) -> None:
    """A 21-character name holding a zero-width space breaks maxLength and the pattern: the length is named."""
    name = "张" * 10 + "\u200b" + "张" * 10
    data = {**application, "roster": [{**application["roster"][0], "name": name}]}
    assert validate("opening_application", data).errors == (
        Violation(INVALID, "roster[0].name", "花名册第1人的姓名 最多 20 个字"),
    )


def test_of_two_messages_of_equal_rank_on_a_pinned_form_the_first_is_kept() -> None:
    """maxLength and pattern both refuse 批次 ABC: the keyword the form lists first is the one named."""
    pinned = _fresh("objection")
    pinned["properties"]["batch"] = {
        "type": "string",
        "title": "批次",
        "maxLength": 2,
        "pattern": "^[0-9]*$",
        "x-messages": {"pattern": "只能填数字"},
    }
    assert validate("objection", {"text": "未参训", "batch": "ABC"}, pinned).errors == (
        Violation(INVALID, "batch", "批次 最多 2 个字"),
    )
    pinned = _fresh("objection")  # a form of its own: the cached validator keeps the dict it was given
    pinned["properties"]["batch"] = {
        "type": "string",
        "title": "批次",
        "pattern": "^[0-9]*$",
        "maxLength": 1,  # other content than above: a pinned form is compiled once per content
        "x-messages": {"pattern": "只能填数字"},
    }
    assert validate("objection", {"text": "未参训", "batch": "ABC"}, pinned).errors == (
        Violation(INVALID, "batch", "批次 只能填数字"),
    )


def test_too_deep_and_out_of_range_fields_are_refused_in_form_order_not_by_name() -> None:
    """开班当日检查 lists 签到方式 before 材料留存: the order of the form, not of the field names."""
    errors = validate("opening_day_check", {"materials_kept": 10**12, "sign_in": _deep(60)}).errors
    assert [e.field for e in errors] == ["sign_in" + "[0]" * 49, "materials_kept"]


def test_a_pinned_form_checks_date_formats_only() -> None:
    """Only ``date`` is a checked format (a deployment's ``email`` field is text like any other)."""
    pinned = _fresh("objection")
    pinned["properties"]["contact"] = {"type": "string", "title": "联系方式", "format": "email"}
    assert validate("objection", {"text": "未参训", "contact": "微信 wang"}, pinned).value == Objection(
        "未参训"
    )


def test_a_pinned_form_changed_by_its_caller_after_use_does_not_change_the_cached_check() -> None:
    data = {"claimed_count": 15, "commitment": True}
    first = _pinned_claim(20, "申领人数")
    comment = first["$comment"]
    assert validate("subsidy_claim", data, first).ok
    first["properties"]["claimed_count"]["maximum"] = 10  # the caller's dict, edited after the check
    same = _pinned_claim(20, "申领人数")
    same["$comment"] = comment  # the same content as `first` had when it was checked
    assert validate("subsidy_claim", data, same).value == SubsidyClaim(15, True)
