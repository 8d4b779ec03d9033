"""A paid case's documents as PDFs: read back with pdftotext, fonts checked with pdffonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cases.anchors import anchor_day, signing_key
from cli.main import app
from cli.scenario_file import read_scenario
from cli.scenario_run import ScenarioRun
from documents import fonts
from documents.render import daxie, tail
from domain.calendar import BusinessCalendar
from domain.masking import mask_name
from store import event_log
from store.audit_tables import Anchor
from store.tables import Payment, RosterEntry

HAPPY = Path(__file__).parents[3] / "shared" / "scenarios" / "examples" / "01_happy_path.yaml"
KINDS = ("application", "notice", "voucher", "dossier")
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603


class Rendered:
    """The four PDFs of the paid case, with what the case holds."""

    def __init__(
        self, out: Path, roster: list[RosterEntry], payment: Payment, anchor: Anchor, head: str
    ) -> None:
        self.out, self.roster, self.payment, self.anchor, self.head = out, roster, payment, anchor, head

    def text(self, kind: str) -> str:
        """The PDF's text in reading order, blanks removed (table cells wrap lines anywhere)."""
        return "".join(_run("pdftotext", str(self.out / f"case-00001-{kind}.pdf"), "-").split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    base = tmp_path_factory.mktemp("documents")
    url = f"sqlite:///{base / 'cases.db'}"
    text, scenario = read_scenario(HAPPY)
    run = ScenarioRun(scenario, text, BusinessCalendar(), url)
    assert run.run()["ok"]
    with Session(run.rt.db, expire_on_commit=False) as session:
        anchor = anchor_day(session, signing_key(base / "anchor.pem"), date(2026, 5, 9), datetime.now(UTC))
        session.commit()
        roster = list(session.exec(select(RosterEntry)))
        payment = session.exec(select(Payment)).one()
        head = event_log.head(session, 1)
        assert head is not None and head.seq == 17
    result = CliRunner().invoke(
        app, ["documents", "1", "--out", str(base / "out")], env={"SUBSIDYFLOW_DATABASE_URL": url}
    )
    assert result.exit_code == 0, result.output
    assert "生成 4 份文书" in result.output and "WenQuanYi Zen Hei" in result.output
    yield Rendered(base / "out", roster, payment, anchor, head.hash)
    run.close()


def test_every_document_is_laid_out_in_the_fast_cjk_font_and_no_personal_digits(rendered: Rendered) -> None:
    for kind in KINDS:
        path = rendered.out / f"case-00001-{kind}.pdf"
        embedded = _run("pdffonts", str(path))
        assert "WenQuanYi-Zen-Hei" in embedded and "Noto" not in embedded, (kind, embedded)
        text = rendered.text(kind)
        assert "□" not in text and "第1页" in text
        for person in rendered.roster:
            assert person.id_number not in text and person.phone not in text, kind
        assert rendered.payment.bank_account not in text, kind
        # no ID-number-shaped run of digits, except inside a hex hash or signature (the dossier prints
        # the chain's hashes and the anchor's signature, which vary run to run: 18 decimal digits in a
        # row turn up in a few per cent of runs)
        assert re.search(r"(?<![0-9a-fA-F])\d{17}[\dX](?![0-9a-fA-F])", text) is None, kind


def test_the_notice_shows_masked_names_and_never_an_id_number(rendered: Rendered) -> None:
    text = rendered.text("notice")
    assert "补贴资金公示" in text and "44,400.00元" in text and "2026年4月30日至2026年5月7日" in text
    raw = _run("pdftotext", str(rendered.out / "case-00001-notice.pdf"), "-").split()
    for person in rendered.roster:
        assert mask_name(person.name) in raw
        assert person.name not in raw, person.name  # never the whole name
    assert "补贴人数37人" in text


def test_the_voucher_has_the_payee_and_the_amount_in_daxie(rendered: Rendered) -> None:
    text = rendered.text("voucher")
    assert "肆万肆仟肆佰元整" in text and "¥44,400.00" in text
    assert "济源技师学院" in text and "中国工商银行济源分行" in text and "****0001" in text
    assert "就业补助资金" in text and "FAKE-000001" in text


def test_the_application_form_is_filled_section_by_section(rendered: Rendered) -> None:
    text = rendered.text("application")
    for expected in (
        "2026年度补贴性职业技能提升培训申请表", "开班申请", "过程监管", "结业考核", "补贴资金申领", "资金拨付",
        "2026-焊工-01", "焊工（中级工）", "共160课时", "委托培训", "是（花名册40人）", "实训车间2",
        "取证总人数", "4.44万元", "2026年4月30日至2026年5月7日", "2026年5月8日", "就业补助资金",
    ):  # fmt: skip
        assert expected in text, expected


def test_the_dossier_has_every_event_the_decision_and_the_chain_head_with_its_root(
    rendered: Rendered,
) -> None:
    text = rendered.text("dossier")
    assert "事件记录（17个，哈希链）" in text and "到账确认" in text and "已拨付" in text
    assert "subsidy_standard" in text and "level=中级工" in text and "standard_yuan=1200" in text
    assert "decisions/subsidy_standard.dmn" in text
    assert text.count(rendered.head) == 2  # the chain head, and the same head in the published root
    assert rendered.anchor.root in text and "（即当前链头）" in text


def test_one_page_renders_to_an_image(rendered: Rendered, tmp_path: Path) -> None:
    _run("pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(rendered.out / "case-00001-notice.pdf"),
         str(tmp_path / "notice"))  # fmt: skip
    (png,) = tmp_path.glob("notice*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000


def test_amounts_in_daxie_and_personal_digits_cut_to_their_tail() -> None:
    assert daxie(4_440_000) == "肆万肆仟肆佰元整"
    assert daxie(4_440_050) == "肆万肆仟肆佰元伍角"
    assert tail("6222 0000 0000 0000 001") == "***************0001"
    assert tail("12") == "**" and tail(None) == ""


def test_missing_cjk_fonts_are_named_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fonts.check_fonts().used == fonts.FAST
    monkeypatch.setattr(fonts, "installed_cjk_families", lambda: ("DejaVu Sans",))
    with pytest.raises(fonts.FontsMissing, match="fonts-wqy-zenhei"):
        fonts.check_fonts()
    refused = CliRunner().invoke(app, ["documents", "--all", "--out", "unused"])
    assert refused.exit_code == 2
    assert "无法生成文书" in refused.output and "DejaVu Sans" in refused.output


def test_a_rare_name_character_falls_back_to_noto_instead_of_an_empty_box(tmp_path: Path) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=f'<p style="font-family: {fonts.CSS_FAMILY}">𬱖小明 王小明</p>').render()
    document.write_pdf(tmp_path / "rare.pdf")
    assert {f.family for f in document.fonts.values()} == {fonts.FAST, fonts.FALLBACK}
    assert "𬱖小明" in _run("pdftotext", str(tmp_path / "rare.pdf"), "-")
