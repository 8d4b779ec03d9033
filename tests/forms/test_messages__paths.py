"""Field paths, Chinese labels, form order and the fallback message of a schema violation."""

from __future__ import annotations

from typing import Any

from forms.catalogue import load_schema
from forms.messages import field_path, label, message, order_key

APP = load_schema("opening_application")


def test_field_paths_use_the_contract_syntax() -> None:
    assert field_path(()) is None
    assert field_path(("start_date",)) == "start_date"
    assert field_path(("roster", 3, "id_number")) == "roster[3].id_number"
    assert field_path(("kinds", 0)) == "kinds[0]"


def test_labels_name_the_field_by_its_chinese_title() -> None:
    assert label(APP, ()) == "开班申请"
    assert label(APP, ("start_date",)) == "开班日期"
    assert label(APP, ("roster", 3, "id_number")) == "花名册第4人的身份证号"
    assert label(APP, ("foo",)) == "foo"
    assert label(APP, ("foo", 0, "bar")) == "foo第1项的bar"
    result = load_schema("assessment_result")
    assert label(result, ("results", 0, "certified")) == "考核结果第1项的取证人数"


def test_form_order_puts_unknown_fields_last() -> None:
    keys = [order_key(APP, p) for p in [("zzz",), ("roster", 1, "name"), ("roster",), ("institution",)]]
    assert sorted(keys) == [
        order_key(APP, ("institution",)),
        order_key(APP, ("roster",)),
        order_key(APP, ("roster", 1, "name")),
        order_key(APP, ("zzz",)),
    ]
    assert order_key(APP, ("roster", 0, "phone")) < order_key(APP, ("roster", 1, "name"))
    assert order_key(APP, ("roster", 0, "name")) < order_key(APP, ("roster", 0, "phone"))


def test_messages_of_the_less_common_keywords() -> None:
    schema: dict[str, Any] = {"type": "array", "description": "说明。"}
    assert message("maxItems", schema, [], 2, "名单") == "名单 最多填 2 项"
    assert message("minLength", {"type": "string"}, "a", 2, "名称") == "名称 至少 2 个字"
    assert message("pattern", {"type": "string"}, "a", "^b$", "名称") == "名称 格式不对"
    assert message("type", {"type": "string"}, 1, "string", "名称") == "名称 须为文字，数字请加引号"
    assert message("type", {"type": "object"}, 1, "object", "学员") == "学员 须为一组「字段: 值」"
    assert message("format", {"format": "date"}, "x", "date", "日期") == (
        "日期 须为日期，格式 YYYY-MM-DD，例如 2026-03-09"
    )
    assert message("multipleOf", schema, 3, 2, "人数") == "人数 填写有误，请按说明修改：说明。"
