"""Masked names for the public notice (004 (三)4: 对涉及个人隐私的敏感信息原则上不予公示)."""

from __future__ import annotations

import re
import unicodedata

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "澹台",
        "公冶",
        "太史",
        "端木",
        "申屠",
        "司空",
        "闻人",
        "赫连",
        "百里",
        "南宫",
        "西门",
        "呼延",
        "独孤",
        "万俟",
        "第五",
        "拓跋",
        "淳于",
        "单于",
        "濮阳",
        "东郭",
        "公羊",
        "左丘",
        "谷梁",
        "羊舌",
        "微生",
        "梁丘",
        "宗政",
        "仲孙",
        "叔孙",
        "巫马",
        "子车",
        "颛孙",
        "乐正",
        "漆雕",
        "壤驷",
        "公良",
        "段干",
        "亓官",
        "司寇",
        "鲜于",
        "闾丘",
        "东门",
        "公西",
    }
)

# Han characters of every CJK block (Ext. A to H, compatibility ideographs, 〇) and the middle dots that
# join the parts of minority names (·, ・, •, ‧, ･): such a name is written without spaces.
_HAN = re.compile(
    r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
    r"\u00b7\u30fb\u2022\u2027\uff65]+"
)
_MIDDLE_DOTS = frozenset("\u00b7\u30fb\u2022\u2027\uff65")
_INVISIBLE = frozenset({"Cf", "Cc"})  # zero-width and bidirectional formatting, control characters


def normalise_name(name: str) -> str:
    """The name with invisible characters removed and its blanks normalised.

    Zero-width, bidirectional formatting and control characters are dropped; every Unicode blank
    (full-width space U+3000, NBSP, tabs, ...) separates parts. A Chinese name (Han characters and
    middle dots only) is its parts joined without blanks ("王　明" is 王明); any other name keeps one
    ASCII space between parts ("John  Smith" is "John Smith").
    """
    visible = "".join(c for c in name if c.isspace() or unicodedata.category(c) not in _INVISIBLE)
    parts = visible.split()
    joined = "".join(parts)
    return joined if _HAN.fullmatch(joined) else " ".join(parts)


def _keep_ends(name: str, head: int) -> str:
    """The first ``head`` characters and the last one, one * per character between (``head`` < len)."""
    rest = len(name) - head
    if rest == 1:
        return name[:head] + "*"
    return name[:head] + "*" * (rest - 1) + name[-1]


def mask_name(name: str) -> str:
    """The name as shown on a public notice: 张三明 → 张*明, 张三 → 张*, 欧阳明华 → 欧阳*华.

    Blanks and invisible characters never count as characters of the name (see ``normalise_name``):
    "王　明" is 王*, as 王明 is.
    """
    name = normalise_name(name)
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if _HAN.fullmatch(name) is None:
        # non-Chinese names: first and last character kept
        return _keep_ends(name, 1)
    compound = name[:2] in COMPOUND_SURNAMES and not _MIDDLE_DOTS.intersection(name)
    if len(name) > 2 and compound:  # noqa: PLR2004 - a compound surname has two characters
        # a name with a middle dot is a minority name: its first part is not a 复姓 (公孙·阿力 → 公****力)
        return _keep_ends(name, 2)
    return _keep_ends(name, 1)
