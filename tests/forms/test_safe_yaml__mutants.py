"""Untrusted YAML within limits (forms/safe_yaml.py), pinned exactly: every limit at its edge, every refusal's
line and Chinese message. The scenario contract (shared/scenarios/README.md) ends a malformed file in exit 2
with a plain message naming the line; these are the messages it shows.

Written against the mutants that had no fast test (mutmut, issue 7).
"""

from __future__ import annotations

import codecs
import errno
import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from yaml.constructor import ConstructorError

from forms.safe_yaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    YamlRefused,
    decode,
    describe,
    line_of,
    load,
    os_reason,
    read_limited,
)

SIZE_HINT = "上限为 2 MiB：请拆分为多个文件"


# -- YamlRefused --------------------------------------------------------------------------------------------


def test_a_refusal_keeps_its_line_and_message_and_names_the_file() -> None:
    refused = YamlRefused(4, "不对")
    assert (refused.line, refused.message, str(refused)) == (4, "不对", "4: 不对")
    assert refused.named("f.yaml") == "f.yaml:4: 不对"
    whole = YamlRefused(None, "太大")
    assert (whole.line, whole.message, str(whole)) == (None, "太大", "太大")
    assert whole.named("f.yaml") == "f.yaml: 太大"


# -- size ---------------------------------------------------------------------------------------------------


def test_a_file_of_exactly_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_bytes(b"#" * MAX_FILE_BYTES)
    assert read_limited(path) == b"#" * MAX_FILE_BYTES


class _Endless:
    """A file that never ends (a device, a pipe): only a bounded read returns."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def open(self, mode: str) -> _Endless:
        assert mode == "rb"
        return self

    def __enter__(self) -> _Endless:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, size: int | None = None) -> bytes:
        assert size is not None and size >= 0, "an unbounded read of an endless file"
        self.asked.append(size)
        return b"#" * size


def test_a_file_above_the_limit_is_refused_without_reading_all_of_it() -> None:
    endless = _Endless()
    with pytest.raises(YamlRefused, match="文件过大"):
        read_limited(endless)  # type: ignore[arg-type]
    assert endless.asked == [MAX_FILE_BYTES + 1]


def test_a_file_one_byte_above_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(YamlRefused) as refused:
        read_limited(path)
    assert refused.value.line is None
    assert refused.value.message == f"文件过大（超过 2097152 字节），{SIZE_HINT}"


def test_bytes_above_the_limit_are_refused_by_their_count() -> None:
    assert decode(b"#" * MAX_FILE_BYTES) == "#" * MAX_FILE_BYTES
    with pytest.raises(YamlRefused) as refused:
        decode(b"#" * (MAX_FILE_BYTES + 1))
    assert (refused.value.line, refused.value.message) == (None, f"文件过大（2097153 字节），{SIZE_HINT}")


def test_text_above_the_limit_is_refused_by_its_characters() -> None:
    assert load("#" * MAX_FILE_BYTES) == (None, None)
    with pytest.raises(YamlRefused) as refused:
        load("#" * (MAX_FILE_BYTES + 1))
    assert (refused.value.line, refused.value.message) == (None, f"文件过大（2097153 个字符），{SIZE_HINT}")


# -- encoding -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_either_utf16_byte_order_is_refused_on_line_1(bom: bytes) -> None:
    with pytest.raises(YamlRefused) as refused:
        decode(bom + "a: 1\n".encode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"))
    assert (refused.value.line, refused.value.message) == (1, "文件是 UTF-16 编码：请另存为 UTF-8 编码")


def test_a_utf8_bom_is_dropped_and_plain_utf8_kept_whole() -> None:
    assert decode(codecs.BOM_UTF8 + "名: 张三\n".encode()) == "名: 张三\n"
    assert decode("名: 张三\n".encode()) == "名: 张三\n"


def test_a_byte_that_is_not_utf8_is_named_by_its_offset_value_and_line() -> None:
    with pytest.raises(YamlRefused) as refused:
        decode(b"a: 1\nb: 2\nc: \xfe\n")
    assert (refused.value.line, refused.value.message) == (
        3,
        "文件不是 UTF-8 编码：第 13 字节（0xfe）无法按 UTF-8 解读，请另存为 UTF-8 编码",
    )


def test_after_a_bom_the_offset_still_counts_from_the_start_of_the_file() -> None:
    with pytest.raises(YamlRefused) as refused:
        decode(codecs.BOM_UTF8 + b"a: \x81\n")
    assert (refused.value.line, refused.value.message) == (
        1,
        "文件不是 UTF-8 编码：第 6 字节（0x81）无法按 UTF-8 解读，请另存为 UTF-8 编码",
    )


# -- nesting ------------------------------------------------------------------------------------------------


def test_nesting_of_exactly_the_limit_is_read() -> None:
    assert MAX_DEPTH == 50
    data, root = load("[" * 50 + "]" * 50)
    assert root is not None
    for _ in range(49):
        data = data[0]
    assert data == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 51 + "]" * 51, 1),
        ("x: 1\ny: " + "[" * 50 + "]" * 50 + "\n", 2),  # the document's mapping is the first level
    ],
)
def test_one_level_more_is_refused_naming_its_line(text: str, line: int) -> None:
    with pytest.raises(YamlRefused) as refused:
        load(text)
    assert (refused.value.line, refused.value.message) == (line, "嵌套层数超过 50 层：请减少列表/映射的嵌套")


def test_closing_a_level_goes_back_one_level_not_to_the_top() -> None:
    """40 levels, an empty list closed inside them, then 11 more: 51 levels, refused."""
    with pytest.raises(YamlRefused, match="嵌套层数超过 50 层"):
        load("[" * 40 + "[], " + "[" * 11 + "]" * 11 + "]" * 40)


def test_siblings_do_not_add_up_to_depth() -> None:
    siblings = "[" + ", ".join(["[]"] * 100) + ", " + "[" * 49 + "]" * 49 + "]"
    data, _root = load(siblings)
    assert len(data) == 101


def test_a_closed_sibling_does_not_lower_the_depth_either() -> None:
    with pytest.raises(YamlRefused, match="嵌套层数超过 50 层"):
        load("[[], [], " + "[" * 50 + "]" * 50 + "]")


# -- alias expansion ----------------------------------------------------------------------------------------


def _aliases(padding: int) -> str:
    """A document of 200 000 - 994 + ``padding`` nodes with aliases expanded.

    root mapping 1, key ``a`` 1, its list 1 and 999 items, key ``b`` 1, its list 1 and 198 aliases of 1000
    nodes each, key ``c`` 1 and its list 1 with ``padding`` items: 200 000 nodes when padding is 994.
    """
    items = ", ".join(["0"] * 999)
    return f"a: &x [{items}]\nb: [{', '.join(['*x'] * 198)}]\nc: [{', '.join(['0'] * padding)}]\n"


def test_exactly_the_node_limit_with_aliases_expanded_is_read() -> None:
    assert MAX_NODES == 200_000
    data, _root = load(_aliases(994))
    assert len(data["b"]) == 198 and len(data["c"]) == 994


def test_one_node_more_is_refused_on_the_line_that_goes_over() -> None:
    with pytest.raises(YamlRefused) as refused:
        load(_aliases(995))
    assert (refused.value.line, refused.value.message) == (
        3,
        "内容过多：展开别名（*引用）后超过 200000 个节点，请勿用别名层层复制数据",
    )


def test_an_alias_counts_every_node_it_stands_for() -> None:
    """198 aliases of 1000 nodes are 198 000 nodes: 2000 more (two more aliases) go over the limit on line 2."""
    text = _aliases(0).replace("b: [", "b: [*x, *x, ")
    with pytest.raises(YamlRefused) as refused:
        load(text)
    assert refused.value.line == 2


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(YamlRefused) as refused:
        load("a: 1\nx: &r [1, *r]\n")
    assert (refused.value.line, refused.value.message) == (2, "别名 *r 引用了包含它自身的锚点")


def test_an_alias_after_its_anchor_is_its_data() -> None:
    data, _root = load("a: &x {b: [1, 2]}\nc: *x\n")
    assert data == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}}


# -- values -------------------------------------------------------------------------------------------------


def test_a_date_that_does_not_exist_is_a_marked_yaml_error() -> None:
    with pytest.raises(ConstructorError) as bad:
        load("a: 1\nd: 2026-02-30\n")
    assert bad.value.problem == "日期/时间 '2026-02-30' 不存在：请核对年、月、日（及时、分、秒和时区）"
    assert bad.value.context is None and bad.value.context_mark is None
    assert bad.value.problem_mark is not None and bad.value.problem_mark.line == 1


def test_a_too_long_integer_is_a_marked_yaml_error_shortened_to_60_characters() -> None:
    with pytest.raises(ConstructorError) as bad:
        load("n: " + "9" * 5000)
    assert bad.value.problem == f"整数 '{'9' * 60}…' 位数过多（上限 4300 位）"


def test_a_value_of_exactly_60_characters_is_shown_whole() -> None:
    timestamp = "2026-02-30T00:00:00." + "0" * 40  # 60 characters
    with pytest.raises(ConstructorError) as bad:
        load(f"d: {timestamp}")
    assert bad.value.problem is not None
    assert bad.value.problem.startswith(f"日期/时间 '{timestamp}' 不存在")


def test_dates_and_integers_are_read_or_left_as_text() -> None:
    assert load("d: 2026-03-09\nn: 12\n")[0] == {"d": date(2026, 3, 9), "n": 12}
    assert load("d: 2026-03-09\nn: 12\n", dates_as_text=True)[0] == {"d": "2026-03-09", "n": 12}
    assert load("d: 2026-02-30\n", dates_as_text=True)[0] == {"d": "2026-02-30"}


def test_an_empty_document_has_no_data_and_no_root() -> None:
    assert load("") == (None, None)
    assert load("# only a comment\n") == (None, None)


# -- describe -----------------------------------------------------------------------------------------------


def _error(text: str) -> yaml.YAMLError:
    with pytest.raises(yaml.YAMLError) as bad:
        load(text)
    return bad.value


def test_a_control_character_is_named_by_its_code_and_line() -> None:
    text = "a: 1\nb: 2\nc: \x07\n"
    described = describe(_error(text), text)
    assert (described.line, described.message) == (3, "含有不允许的字符（#x0007），请删除控制字符")


def test_a_control_character_after_a_leading_blank_line_counts_that_line() -> None:
    text = "\na: 1\nb: \x07\n"
    described = describe(_error(text), text)
    assert (described.line, described.message) == (3, "含有不允许的字符（#x0007），请删除控制字符")


def test_a_parser_error_names_its_line_column_context_and_problem() -> None:
    text = "- a\nb: c\n"  # a problem not said in Chinese: PyYAML's context and problem, as they are
    described = describe(_error(text), text)
    assert (described.line, described.message) == (
        2,
        "YAML 无法解析（第 1 列）：while parsing a block collection：expected <block end>, but found '?'",
    )


def test_an_error_without_context_names_the_problem_alone() -> None:
    text = "a: 1\nd: 2026-02-30\n"
    described = describe(_error(text), text)
    assert (described.line, described.message) == (
        2,
        "YAML 无法解析（第 4 列）：日期/时间 '2026-02-30' 不存在：请核对年、月、日（及时、分、秒和时区）",
    )


def test_an_error_marked_only_by_its_context_takes_that_line() -> None:
    mark = yaml.Mark("f.yaml", 0, 6, 2, "", 0)
    err = yaml.MarkedYAMLError(context="while reading", context_mark=mark, problem="broken")
    described = describe(err, "")
    assert (described.line, described.message) == (7, "YAML 无法解析（第 3 列）：while reading：broken")


def test_an_error_without_mark_or_problem_is_described_whole() -> None:
    described = describe(yaml.YAMLError("坏了"), "a: 1\n")
    assert (described.line, described.message) == (None, "YAML 无法解析：坏了")


# -- line_of ------------------------------------------------------------------------------------------------

DOC = "a: 1\nb:\n  - x\n  - y: 2\n    z: 3\nc: [7]\n"


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        ((), 1),
        (("a",), 1),
        (("b",), 3),
        (("b", 0), 3),
        (("b", 1), 4),
        (("b", 1, "z"), 5),
        (("b", 2), 3),  # index past the end: the list's line
        (("b", 1, "w"), 4),  # missing key: the mapping's line
        (("b", "x"), 3),  # a key of a list: the list's line
        (("a", "deeper"), 1),  # inside a scalar: the scalar's line
        (("c", 0), 6),
        (("nowhere", "b"), 1),
    ],
)
def test_line_of_names_the_deepest_node_that_exists(loc: tuple[int | str, ...], line: int) -> None:
    _data, root = load(DOC)
    assert line_of(root, loc) == line


def test_line_of_no_document_is_none() -> None:
    assert line_of(None, ()) is None
    assert line_of(None, ("a",)) is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOENT, "路径不存在"),
        (errno.ENOTDIR, "路径中有一段不是目录"),
        (errno.EISDIR, "这是一个目录，不是文件"),
        (errno.EACCES, "没有访问权限"),
        (errno.EPERM, "没有访问权限"),
        (errno.EROFS, "文件系统只读"),
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.EEXIST, "已存在同名文件"),
    ],
)
def test_os_reasons_are_said_in_chinese(code: int, reason: str) -> None:
    assert os_reason(OSError(code, os.strerror(code))) == reason


def test_a_rare_os_error_keeps_the_systems_words() -> None:
    assert os_reason(OSError(errno.EMLINK, "Too many links")) == "系统错误：Too many links"
    assert os_reason(OSError("no errno at all")) == "系统错误：no errno at all"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "a: !!python/object/apply:os.system ['x']\n",
            "1: YAML 无法解析（第 4 列）：不支持的 YAML 标签 'tag:yaml.org,2002:python/object/apply:os.system'"
            "：场景文件只能含普通的数据",
        ),
        ("a: b: c\n", "1: YAML 无法解析（第 5 列）：此处不能出现「键: 值」：请检查缩进和冒号"),
        ("a:\n\tb: 1\n", "2: YAML 无法解析（第 1 列）：含有制表符：请用空格缩进"),
        ("a: 'unclosed\n", "2: YAML 无法解析（第 1 列）：文件意外结束：引号或括号没有闭合"),
        ("a: *nowhere\n", "1: YAML 无法解析（第 4 列）：别名 'nowhere' 没有对应的锚点（&名称）"),
        ("a: [1, 2\n", "2: YAML 无法解析（第 1 列）：方括号没有闭合，或两项之间缺少逗号"),
        ("a: {b: 1\n", "2: YAML 无法解析（第 1 列）：花括号没有闭合，或两项之间缺少逗号"),
        (
            'a: "\\q"\n',
            "1: YAML 无法解析（第 6 列）：while scanning a double-quoted scalar：found unknown escape character 'q'",
        ),
    ],
)
def test_pyyamls_common_problems_are_said_in_chinese(text: str, said: str) -> None:
    with pytest.raises(yaml.YAMLError) as bad:
        load(text)
    assert str(describe(bad.value, text)) == said
