"""Masked names on the public notice (004 (三)4: 涉及个人隐私的敏感信息原则上不予公示)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.masking import COMPOUND_SURNAMES, mask_name, normalise_name


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


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王　明", "王*"),  # full-width space U+3000: was 王*明, the whole given name shown
        ("王\u00a0明", "王*"),  # NBSP
        ("王\t明", "王*"),
        ("王\u2003明", "王*"),  # em space
        ("王\u200b明", "王*"),  # zero-width space
        ("王\u200d明\ufeff", "王*"),  # zero-width joiner, BOM
        ("\u202e王明\u202c", "王*"),  # bidirectional override and pop
        ("\u3000王 三 明\u3000", "王*明"),
        ("欧阳\u3000明华", "欧阳*华"),
        ("欧\u3000阳明", "欧阳*"),
        ("买买提 · 艾力", "买****力"),
        ("阿依古丽•买买提", "阿******提"),
        ("公孙·阿力", "公***力"),  # a minority name: its first part is no compound surname
        ("𠀀明", "𠀀*"),
        ("王𠀀𠀁", "王*𠀁"),
        ("John\u3000\u3000Smith", "J********h"),  # a non-Chinese name keeps one space between parts
        ("\u3000\u200b\t", ""),
    ],
)
def test_blanks_and_invisible_characters_are_not_part_of_the_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_normalise_name() -> None:
    assert normalise_name("\u3000王\u00a0明\u200b ") == "王明"
    assert normalise_name(" John \t Smith ") == "John Smith"
    assert normalise_name("买买提 · 艾力") == "买买提·艾力"


# --- properties over generated names -------------------------------------------------------------

_HAN = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK unified ideographs
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),  # extension A
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # extension B, outside the BMP (𠀀)
    st.characters(min_codepoint=0x30000, max_codepoint=0x3134A),  # extension G
)
_SURNAME = st.one_of(st.sampled_from(sorted(COMPOUND_SURNAMES)), _HAN)
_GIVEN = st.text(_HAN, min_size=1, max_size=3)
_DOT = st.sampled_from(["·", "・", "•"])
_BLANK = st.sampled_from(
    [" ", "\u3000", "\u00a0", "\t", "\u2003", "\u202f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
)


@st.composite
def _with_blanks(draw: st.DrawFn, name: str) -> str:
    """``name`` with blanks and zero-width characters inserted anywhere, ends included."""
    chars = list(name)
    for _ in range(draw(st.integers(0, 4))):
        chars.insert(draw(st.integers(0, len(chars))), draw(_BLANK))
    return "".join(chars)


@st.composite
def _han_names(draw: st.DrawFn) -> tuple[str, str, str]:
    """(written name, surname, given name): a Han name, maybe compound, with blanks added."""
    surname, given = draw(_SURNAME), draw(_GIVEN)
    return draw(_with_blanks(surname + given)), surname, given


@st.composite
def _dotted_names(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(written name, its parts): a minority name of two to four parts joined by middle dots."""
    parts = draw(st.lists(st.text(_HAN, min_size=1, max_size=4), min_size=2, max_size=4))
    dot = draw(_DOT)
    return draw(_with_blanks(dot.join(parts))), parts


@settings(max_examples=400)
@given(_han_names())
@example(("王　明", "王", "明"))
@example(("\u3000欧阳 明华\u200b", "欧阳", "明华"))
@example(("𠀀 𠀁𠀂", "𠀀", "𠀁𠀂"))
def test_a_han_name_never_shows_the_whole_given_name(case: tuple[str, str, str]) -> None:
    written, surname, given_name = case
    plain = surname + given_name
    masked = mask_name(written)
    assert normalise_name(written) == plain
    assert masked == mask_name(plain)  # blanks change nothing
    assert masked != plain
    assert len(masked) == len(plain)  # one * per hidden character
    assert masked.startswith(surname)
    # after the surname: never the given name (the compound surname 欧阳 of 欧阳欧阳 is not a leak)
    assert given_name not in masked[len(surname) :]
    assert "*" in masked
    if len(given_name) == 1:
        assert masked == surname + "*"


@settings(max_examples=300)
@given(_dotted_names())
def test_a_minority_name_shows_only_its_first_and_last_characters(case: tuple[str, list[str]]) -> None:
    written, parts = case
    plain = normalise_name(written)
    masked = mask_name(written)
    assert masked != plain
    assert len(masked) == len(plain)
    assert masked[0] == parts[0][0]
    assert masked[1:-1] == "*" * (len(plain) - 2)
    assert masked[-1] == parts[-1][-1]
    for part in parts:
        if len(part) >= 2:  # noqa: PLR2004 - a part of two characters or more is never shown whole
            assert part not in masked


@given(st.text(st.characters(codec="utf-8", exclude_characters="*"), max_size=12))
def test_any_text_of_two_characters_or_more_is_masked(text: str) -> None:
    plain = normalise_name(text)
    masked = mask_name(text)
    assert len(masked) == len(plain)
    if len(plain) >= 2:  # noqa: PLR2004
        assert masked != plain
        assert "*" in masked
    assert all(c == " " or not c.isspace() for c in masked)  # only ASCII spaces between parts
    assert all(unicodedata.category(c) not in {"Cf", "Cc"} for c in masked)
