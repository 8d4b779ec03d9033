"""Masked names on the public notice (004 (三)4: 涉及个人隐私的敏感信息原则上不予公示)."""

from __future__ import annotations

import pytest

from domain.masking import mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("张三", "张*"),
        ("张三明华", "张**华"),
        ("欧阳明", "欧阳*"),
        ("欧阳明华", "欧阳*华"),
        ("司马相如", "司马*如"),
        ("诸葛孔明亮", "诸葛**亮"),
        ("欧阳", "欧*"),
        ("张", "*"),
        ("", ""),
        (" 李四 ", "李*"),
        ("买买提·艾力", "买****力"),
        ("Tom", "T*m"),
        ("Li", "L*"),
        ("John Smith", "J********h"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    """Surname (compound kept whole) and last character kept; one * per hidden character."""
    assert mask_name(name) == masked
