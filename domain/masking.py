"""Masked names for the public notice (004 (三)4: 对涉及个人隐私的敏感信息原则上不予公示)."""

from __future__ import annotations

import re

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

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·・]+")


def _keep_ends(name: str, head: int) -> str:
    """The first ``head`` characters and the last one, one * per character between (``head`` < len)."""
    rest = len(name) - head
    if rest == 1:
        return name[:head] + "*"
    return name[:head] + "*" * (rest - 1) + name[-1]


def mask_name(name: str) -> str:
    """The name as shown on a public notice: 张三明 → 张*明, 张三 → 张*, 欧阳明华 → 欧阳*华."""
    name = name.strip()
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if _HAN.fullmatch(name) is None:
        # non-Chinese names: first and last character kept
        return _keep_ends(name, 1)
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:  # noqa: PLR2004 - a compound surname has two characters
        return _keep_ends(name, 2)
    return _keep_ends(name, 1)
