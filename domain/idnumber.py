"""居民身份证号 (GB 11643): validation with plain Chinese reasons, and a deterministic generator of trainees."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from math import gcd

from stdnum import numdb
from stdnum.cn import ric

from domain.eligibility import AgeLimits, birth_window, is_eligible, is_male
from domain.records import Trainee

ID_LENGTH = 18

# Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证) carry these prefixes.
PERMIT_AREAS = frozenset({"810000", "820000", "830000"})

_EARLIEST_BIRTH = date(1900, 1, 1)

# Full-width digits and X (全角) as typed by Chinese input methods, and a lower-case check letter.
_NARROW = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)}, "Ｘ": "X", "ｘ": "X", "x": "X"})


def normalize_id_number(value: str) -> str:
    """The number as stored and compared: blanks around removed, full-width digits and X made ASCII, x made X."""
    return value.strip().translate(_NARROW)


@cache
def is_known_area(code: str) -> bool:
    """Whether a 6-digit area code is in any edition of GB/T 2260 (county or prefecture level), or a permit prefix.

    python-stdnum's cn/loc table lists every code with the years it was in force; the birth year is
    not compared (a person born before a county was created, 410881 济源 1988, holds its code today).
    """
    if code in PERMIT_AREAS:
        return True
    if len(code) != 6 or not code.isascii() or not code.isdigit() or code.endswith("0000"):  # noqa: PLR2004
        return False
    parts = numdb.get("cn/loc").info(code)
    return len(parts) == 2 and "county" in parts[-1][1]  # noqa: PLR2004 - province part + county part


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return str(ric.calc_check_digit(first17 + "0"))


def birth_readable(number: str, *, today: date) -> bool:
    """Whether a normalised number, valid or not, holds a real birth date (1900‥today) and a sex digit."""
    if len(number) != ID_LENGTH or not number[:17].isascii() or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= today


def id_number_problem(value: str, *, today: date) -> str | None:
    """None for a valid number, else what is wrong with it and what to do, in plain Chinese."""
    number = normalize_id_number(value)
    redo = "请核对后重新填写"
    if not number:
        return "身份证号未填写，请填写18位居民身份证号"
    if len(number) != ID_LENGTH:
        return f"身份证号应为18位，现为{len(number)}位，{redo}"
    if not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        return f"身份证号只能由数字组成（最后一位可以是X），{redo}"
    if not is_known_area(number[:6]):
        return f"身份证号前六位 {number[:6]} 不是有效的行政区划代码（GB/T 2260），{redo}"
    digits = number[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return f"身份证号中的出生日期 {digits} 不存在，{redo}"
    if born > today:
        return f"身份证号中的出生日期 {born.isoformat()} 晚于今天，{redo}"
    if born < _EARLIEST_BIRTH:
        return f"身份证号中的出生日期 {born.isoformat()} 早于1900年，{redo}"
    # stdnum's own validate() also checks the county against its birth year; a person born before
    # a county was created (410881 济源, 1988) holds its code today, so that check is not applied.
    if number[17] != check_digit(number[:17]):
        return f"身份证号校验码不正确，{redo}"
    return None


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红玉梅志文斌鹏辉玲丹萍宇浩凯俊峰晨欣悦"
    "婷雪琳颖佳欢帅亮成飞鑫波宁瑞凡新春海燕霖博阳晓东旭荣振"
)
GROUPS = ("企业职工", "失业人员", "农村转移劳动力", "高校毕业生", "退役军人", "脱贫劳动力", "残疾人")

_AREA = "410881"  # 河南省济源市
_FIRST_BIRTH = date(1970, 1, 1)
_BIRTH_DAYS = (date(2004, 12, 31) - _FIRST_BIRTH).days + 1
_SEQ_BASE = 500  # hand-written test numbers use low sequence codes; generated ones never do
_SEQ_COUNT = 500
_ID_SPACE = _BIRTH_DAYS * _SEQ_COUNT
_PHONE_SPACE = 10**8


def _coprime_stride(rng: random.Random, space: int) -> int:
    """A stride that walks every slot of ``space`` once before repeating."""
    stride = rng.randrange(space // 3, space - 1)
    while gcd(stride, space) != 1:
        stride += 1
    return stride


@dataclass(frozen=True, slots=True)
class _Eligible:
    """Birth dates of trainees eligible on a start date (002: 法定劳动年龄内), for the generator."""

    on: date
    limits: AgeLimits
    earliest: date
    days: int

    @classmethod
    def of(cls, on: date | None, limits: AgeLimits | None, today: date | None) -> _Eligible | None:
        if on is None or limits is None:
            return None
        window = birth_window(on, limits)
        if window is None:
            return None  # nobody is eligible under this policy: the rule refuses them, as it should
        earliest, latest = window
        earliest = max(earliest, _EARLIEST_BIRTH)
        if today is not None:
            latest = min(latest, today)
        if latest < earliest:
            return None
        return cls(on, limits, earliest, (latest - earliest).days + 1)

    def birth(self, offset: int) -> date:
        """The birth date of a walk's day offset, inside the window."""
        return self.earliest + timedelta(days=offset % self.days)

    def admits(self, born: date, number: str) -> bool:
        """Whether the holder of ``number`` is eligible (the window may be wider than one sex's)."""
        return is_eligible(born, male=is_male(number), on=self.on, limits=self.limits)


class IdentityGenerator:
    """Valid, unique, reproducible trainees for ``roster: {generate: N}`` and the demo."""

    def __init__(self, seed: str, *, exclude: Iterable[str] = ()) -> None:
        rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        self._rng = rng
        self._exclude = frozenset(normalize_id_number(n) for n in exclude)
        self._id_start = rng.randrange(_ID_SPACE)
        self._id_stride = _coprime_stride(rng, _ID_SPACE)
        self._phone_start = rng.randrange(_PHONE_SPACE)
        self._phone_stride = _coprime_stride(rng, _PHONE_SPACE)
        self._count = 0  # slots taken, excluded ones included
        self._taken: set[str] = set()  # numbers issued (eligibility windows of two classes may overlap)
        self._issued = 0

    def _next_id(self, rule: _Eligible | None = None) -> str:
        """The next number of the injective walk over (birth date, sequence code), skipping taken ones.

        With an eligibility ``rule`` the walk's day offset is laid over the rule's birth window
        instead of 1970–2004, and a number whose holder is not eligible is skipped.
        """
        while self._count < _ID_SPACE:
            slot = (self._id_start + self._count * self._id_stride) % _ID_SPACE
            self._count += 1
            offset, seq = divmod(slot, _SEQ_COUNT)
            born = _FIRST_BIRTH + timedelta(days=offset) if rule is None else rule.birth(offset)
            first17 = f"{_AREA}{born:%Y%m%d}{_SEQ_BASE + seq:03d}"
            number = first17 + check_digit(first17)
            if number in self._exclude or number in self._taken:
                continue
            if rule is not None and not rule.admits(born, number):
                continue
            self._taken.add(number)
            return number
        raise RuntimeError("身份证号生成已用尽：本生成器可生成的号码都已发出")

    def next_trainee(self, rule: _Eligible | None = None) -> Trainee:
        """The next trainee: a plausible name, a fresh valid ID number and phone, a group."""
        number = self._next_id(rule)
        phone_slot = (self._phone_start + self._issued * self._phone_stride) % _PHONE_SPACE
        self._issued += 1
        rng = self._rng
        given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return Trainee(
            name=rng.choice(_SURNAMES) + given,
            id_number=number,
            phone=f"139{phone_slot:08d}",
            group=rng.choice(GROUPS),
        )

    def trainees(
        self, n: int, *, on: date | None = None, limits: AgeLimits | None = None, today: date | None = None
    ) -> list[Trainee]:
        """The next ``n`` trainees; with ``on`` and ``limits``, each eligible by age on that start date.

        ``today`` (the filing day) bounds the birth dates too: a number born after it is invalid.
        """
        rule = _Eligible.of(on, limits, today)
        return [self.next_trainee(rule) for _ in range(n)]
