"""The CJK fonts the documents need: checked at start-up, never discovered as empty boxes in a PDF.

WenQuanYi Zen Hei renders an A4 page in about a second; Noto Sans CJK takes 9–15 s (weasyprint subsets
the whole collection on every render), so it comes second, for the rare name characters Zen Hei lacks.
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - fc-list, a fixed command without shell
from dataclasses import dataclass

FAST = "WenQuanYi Zen Hei"
FALLBACK = "Noto Sans CJK SC"
FAMILIES = (FAST, FALLBACK)
CSS_FAMILY = ", ".join(f"'{f}'" for f in FAMILIES) + ", sans-serif"
_INSTALL = "请安装 Debian 的 fonts-wqy-zenhei（必需）和 fonts-noto-cjk（生僻字备用）后重试"


class FontsMissing(RuntimeError):
    """No usable CJK font: a PDF would show empty boxes instead of Chinese."""


@dataclass(frozen=True, slots=True)
class FontCheck:
    """The CJK families fontconfig knows, and the one weasyprint actually used for Chinese."""

    installed: tuple[str, ...]
    used: str

    @property
    def fallback(self) -> bool:
        """Whether the rare-character fallback (Noto CJK) is installed."""
        return FALLBACK in self.installed


def installed_cjk_families() -> tuple[str, ...]:
    """The font families with Chinese coverage (`fc-list :lang=zh family`)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise FontsMissing(f"找不到 fc-list（fontconfig），无法确认中文字体：{_INSTALL}")
    listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(families))


def check_fonts() -> FontCheck:
    """Fontconfig has our CJK fonts and weasyprint lays Chinese out with one of them; else FontsMissing."""
    installed = installed_cjk_families()
    if FAST not in installed and FALLBACK not in installed:
        found = "、".join(installed) or "没有任何中文字体"
        raise FontsMissing(f"没有文书所需的中文字体（{FAST} 或 {FALLBACK}；本机：{found}）：{_INSTALL}")
    from weasyprint import HTML  # type: ignore[import-untyped]

    probe = HTML(string=f'<p style="font-family: {CSS_FAMILY}">补贴公示汉字</p>').render()
    probe.write_pdf()  # fonts are collected as the PDF is written
    used = [font.family for font in probe.fonts.values()]
    chosen = next((f for f in used if f in FAMILIES), None)
    if chosen is None:
        raise FontsMissing(f"weasyprint 没有用中文字体排版（用了：{'、'.join(used) or '无'}）：{_INSTALL}")
    return FontCheck(installed, chosen)
