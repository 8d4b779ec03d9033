"""Reading untrusted YAML within limits: size, encoding, nesting depth and alias expansion.

Every refusal names the line it is about, so that a bad file ends in a plain message (exit 2), never in
a traceback, a RecursionError or a run that does not end. PyYAML's composer recurses once per level of
nesting: the depth is checked before it goes deeper, and an alias counts as every node it stands for.
"""

from __future__ import annotations

import codecs
import errno
import sys
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50  # nested mappings / lists
MAX_NODES = 200_000  # nodes of the document with every alias expanded ("billion laughs")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class YamlRefused(ValueError):
    """A YAML text refused before or while it is read; ``line`` is 1-based (None: the whole file)."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"{line}: {message}" if line is not None else message)

    def named(self, name: str) -> str:
        """The message prefixed with the file name and line, ``f.yaml:4: ...``."""
        return f"{name}:{self.line}: {self.message}" if self.line is not None else f"{name}: {self.message}"


def _size_message(size: str) -> str:
    return f"文件过大（{size}），上限为 {MAX_FILE_BYTES // (1024 * 1024)} MiB：请拆分为多个文件"


# Why a file or directory could not be used, in the words an operator reads (strerror is English).
_OS_REASONS = {
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EEXIST: "已存在同名文件",
}


def os_reason(err: OSError) -> str:
    """Why an operating-system call failed, in Chinese (the system's own words for a rare error)."""
    return _OS_REASONS.get(err.errno or 0) or f"系统错误：{err.strerror or err}"


def read_limited(path: Path) -> bytes:
    """The bytes of a file, refusing one above MAX_FILE_BYTES without reading all of it."""
    with path.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise YamlRefused(None, _size_message(f"超过 {MAX_FILE_BYTES} 字节"))
    return data


def decode(data: bytes) -> str:
    """UTF-8 text (a leading BOM dropped); other encodings are refused naming the byte and line."""
    if len(data) > MAX_FILE_BYTES:
        raise YamlRefused(None, _size_message(f"{len(data)} 字节"))
    if data.startswith(_UTF16_BOMS):
        raise YamlRefused(1, "文件是 UTF-16 编码：请另存为 UTF-8 编码")
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as bad:
        offset = skip + bad.start
        line = data[:offset].count(b"\n") + 1
        raise YamlRefused(
            line,
            f"文件不是 UTF-8 编码：第 {offset} 字节（0x{data[offset]:02x}）无法按 UTF-8 解读，请另存为 UTF-8 编码",
        ) from None


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


class _LimitedLoader(yaml.SafeLoader):
    """A safe loader that refuses deep nesting and large alias expansions while it composes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}  # id(node) -> its node count with aliases expanded

    def _count(self, nodes: int, line: int | None) -> None:
        self._expanded += nodes
        if self._expanded > MAX_NODES:
            raise YamlRefused(
                line, f"内容过多：展开别名（*引用）后超过 {MAX_NODES} 个节点，请勿用别名层层复制数据"
            )

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = event.start_mark
        line = mark.line + 1 if mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:
                raise YamlRefused(line, f"别名 *{event.anchor} 引用了包含它自身的锚点")
            self._count(size, line)
            return node
        nested = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YamlRefused(line, f"嵌套层数超过 {MAX_DEPTH} 层：请减少列表/映射的嵌套")
        before = self._expanded
        self._count(1, line)
        node = super().compose_node(parent, index)
        if node is not None:
            self._sizes[id(node)] = self._expanded - before
        if nested:
            self._depth -= 1
        return node

    def _checked(self, node: yaml.Node, build: Any, what: str, why: str) -> Any:
        try:
            return build(self, node)
        except (ValueError, OverflowError):
            raise ConstructorError(
                None, None, f"{what} {_shorten(str(node.value))!r} {why}", node.start_mark
            ) from None

    def construct_checked_timestamp(self, node: yaml.Node) -> Any:
        """A date or time; one that does not exist (2026-02-30) is a marked YAML error, not a crash."""
        why = "不存在：请核对年、月、日（及时、分、秒和时区）"
        return self._checked(node, yaml.SafeLoader.construct_yaml_timestamp, "日期/时间", why)

    def construct_checked_int(self, node: yaml.Node) -> Any:
        """An integer; one beyond Python's digit limit (the only way one can fail) is a marked YAML error."""
        why = f"位数过多（上限 {sys.get_int_max_str_digits()} 位）"
        return self._checked(node, yaml.SafeLoader.construct_yaml_int, "整数", why)


_LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", _LimitedLoader.construct_checked_timestamp)
_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _LimitedLoader.construct_checked_int)


class _LimitedTextDatesLoader(_LimitedLoader):
    """The limited loader leaving dates as text, for a reader that names a bad date itself."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _LimitedLoader.yaml_implicit_resolvers.items()
    }


def load(text: str, *, dates_as_text: bool = False) -> tuple[Any, yaml.Node | None]:
    """The document's data and its node tree (for line numbers), within the limits; YamlRefused or a
    yaml.YAMLError (with its mark) when it cannot be read."""
    if len(text) > MAX_FILE_BYTES:
        raise YamlRefused(None, _size_message(f"{len(text)} 个字符"))
    loader = _LimitedTextDatesLoader(text) if dates_as_text else _LimitedLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return data, root


# PyYAML's commonest problems in the words of a process owner (the rest keep PyYAML's English words).
_PROBLEMS = (
    ("could not determine a constructor for the tag", "不支持的 YAML 标签{rest}：场景文件只能含普通的数据"),
    ("mapping values are not allowed here", "此处不能出现「键: 值」：请检查缩进和冒号"),
    ("found character '\\t' that cannot start any token", "含有制表符：请用空格缩进"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("found undefined alias", "别名{rest} 没有对应的锚点（&名称）"),
    ("expected ',' or ']'", "方括号没有闭合，或两项之间缺少逗号"),
    ("expected ',' or '}'", "花括号没有闭合，或两项之间缺少逗号"),
)


def _in_chinese(problem: str) -> str | None:
    for english, chinese in _PROBLEMS:
        if problem.startswith(english):
            return chinese.format(rest=problem.removeprefix(english).rstrip())
    return None


def describe(err: yaml.YAMLError, text: str) -> YamlRefused:
    """A PyYAML error as a refusal naming its line."""
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        return YamlRefused(line, f"含有不允许的字符（#x{err.character:04x}），请删除控制字符")
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    text = _in_chinese(str(problem)) or (f"{context}：{problem}" if context else str(problem))
    if mark is None:
        return YamlRefused(None, f"YAML 无法解析：{text}")
    return YamlRefused(mark.line + 1, f"YAML 无法解析（第 {mark.column + 1} 列）：{text}")


def line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The line of the node at ``loc`` (keys and indexes), or of the deepest part of it that exists."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line
