"""Field paths of refused fields stay distinct, whatever the keys (regression: two violations on field "")."""

from __future__ import annotations

from forms.messages import field_path, label, message
from forms.validator import validate


def test_keys_that_are_empty_or_hold_separators_are_quoted() -> None:
    """An empty key, or one holding '.', '[' or ']', is written ["…"], so distinct paths never share a name."""
    assert field_path(("",)) == '[""]'
    assert field_path(("", "")) == '[""][""]'
    assert field_path(("a.b",)) == '["a.b"]'
    assert field_path(("a", "b")) == "a.b"
    assert field_path(("roster", 0, "x]")) == 'roster[0]["x]"]'
    assert field_path(("roster", 3, "id_number")) == "roster[3].id_number"


def test_one_violation_per_field_with_an_empty_key_nested() -> None:
    """The case hypothesis found: {'': {'': 1000000001.0}} gives two violations on two distinct fields."""
    result = validate("opening_application", {"": {"": 1000000001.0}})
    fields = [v.field for v in result.errors]
    assert len(set(fields)) == len(fields)
    assert '[""]' in fields
    assert '[""][""]' in fields


# -- labels and messages word for word (mutmut, issue 7) -------------------------------------------------


def test_a_key_needing_brackets_keeps_its_chinese_characters() -> None:
    assert field_path(("姓.名",)) == '["姓.名"]'


def test_labels_fall_back_to_the_key_the_item_number_and_the_form() -> None:
    schema = {"properties": {"a": {"type": "array"}, "b": {}}, "items": {}}
    assert label(schema, ("a", 1)) == "a第2项"  # no title, no x-item-label
    assert label(schema, ("b",)) == "b"
    assert label(schema, (0,)) == "第1项"
    assert label({}, ()) == "表单"
    assert label({"title": "补贴申领"}, ()) == "补贴申领"


def test_a_type_without_a_chinese_word_is_named_as_it_is() -> None:
    assert message("type", {"type": "null"}, 1, "null", "备注") == "备注 须为null"


def test_a_number_field_gives_its_example() -> None:
    schema = {"type": "number", "examples": [96.5]}
    assert message("type", schema, "高", "number", "满意度") == "满意度 须为数字，例如 96.5"


def test_a_wrong_type_of_an_enum_field_lists_the_choices() -> None:
    schema = {"type": "string", "enum": ["approve", "reject"], "x-enum-titles": {"approve": "同意"}}
    assert message("type", schema, 1, "string", "审核结论") == "审核结论 只能是：approve（同意）、reject"


def test_a_keyword_without_a_message_of_its_own_points_to_the_description() -> None:
    assert message("multipleOf", {}, 3, 2, "人数") == "人数 填写有误，请按说明修改："
    assert message("multipleOf", {"description": "双数"}, 3, 2, "人数") == "人数 填写有误，请按说明修改：双数"


def test_a_number_below_its_minimum_and_beyond_bounds_gets_the_bounds_message() -> None:
    """Two findings on one field: the bounds (rank 3) outranks the minimum (no rank of its own)."""
    errors = validate("subsidy_claim", {"claimed_count": -(10**12), "commitment": True}).errors
    assert [(e.field, e.message) for e in errors] == [
        ("claimed_count", "申领人数 的数值 -1000000000000 超出合理范围（绝对值不能大于 1000000000），请检查")
    ]


def test_unknown_fields_of_a_form_without_properties_are_each_named() -> None:
    pinned = {"type": "object", "title": "异议", "additionalProperties": False}
    errors = validate("objection", {"text": "未参训"}, pinned).errors
    assert [(e.field, e.message) for e in errors] == [("text", "不认识的字段 text，请删除")]


def test_an_item_a_pinned_form_forbids_outright_is_refused_in_plain_words() -> None:
    """A boolean subschema (``items: false``) in a deployment's form: the list is refused, not a crash."""
    pinned = {
        "type": "object",
        "title": "异议",
        "properties": {
            "text": {"type": "string", "title": "异议内容"},
            "tags": {"type": "array", "title": "标签", "items": False},
        },
    }
    errors = validate("objection", {"text": "未参训", "tags": ["x"]}, pinned).errors
    assert [(e.field, e.message) for e in errors] == [("tags", "标签 填写有误，请按说明修改：")]
