"""`subsidyflow audit`: the daily roots over all case chains, exported for a third party and checked.

``audit anchor`` signs today's root (what the daily flow does), ``audit anchors`` exports every root
as JSON lines, ``audit proof CASE`` a case's inclusion proofs, ``audit verify`` streams the whole log
and checks every case against the published roots.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlmodel import Session

from cases.anchor_audit import AuditFinding, case_ids, check_case, check_roots
from cases.anchors import PublishedRoot, proofs, public_key_hex, published_roots, signing_key
from cases.evidence_audit import evidence_findings

audit_app = typer.Typer(help="外部锚定：每日签名的链头根、第三方导出与核验", no_args_is_help=True)
_KINDS = {
    "signature": "签名不符",
    "root": "锚定记录不符",
    "rewritten": "公布后历史被改写",
    "chain": "哈希链断裂",
    "evidence": "证据文件缺失或被改动",
}


def _console() -> Console:
    return Console(width=max(120, Console().width))


@audit_app.command("anchor")
def anchor() -> None:
    """对全部案件哈希链的链头签署今日的根（每日流程调用的是同一步骤）。"""
    from cases.wiring import Settings, runtime
    from workflows.anchors import anchor_today

    settings = Settings.from_env()
    rt = runtime(settings)
    report = anchor_today(rt, settings.anchor_key_path())
    rt.db.dispose()
    verb = "已生成" if report.made else "今日已有"
    _console().print(f"{verb} {report.day} 的锚定根 {report.root}（{report.count} 个案件的链头）")


@audit_app.command("anchors")
def anchors(
    out: Annotated[Path | None, typer.Option("--out", help="JSON Lines 的输出文件（默认：标准输出）")] = None,
) -> None:
    """导出每日的根（JSON Lines）：日期、根、案件数、签名、公钥。"""
    from cases.wiring import Settings

    engine = Settings.from_env().database()
    with Session(engine) as session:
        lines = [json.dumps(r.as_json(), ensure_ascii=False) for r in published_roots(session)]
    engine.dispose()
    text = "".join(line + "\n" for line in lines)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        _console().print(f"已导出 {len(lines)} 个锚定根到 {out}")


@audit_app.command("proof")
def proof(case: Annotated[int, typer.Argument(metavar="CASE", help="案件编号")]) -> None:
    """案件的包含证明（JSON）：其链头在每个根中的位置及到根的兄弟哈希路径。"""
    from cases.wiring import Settings

    engine = Settings.from_env().database()
    with Session(engine) as session:
        found = proofs(session, case)
    engine.dispose()
    if not found:
        Console(stderr=True).print(f"[red]案件 {case} 尚未被任何锚定根包含[/red]")
        raise typer.Exit(1)
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))


def _read_published(path: Path) -> list[PublishedRoot]:
    roots: list[PublishedRoot] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            roots.append(PublishedRoot.of(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            Console(stderr=True).print(f"[red]{path}:{number}: 不是 `audit anchors` 导出的锚定根[/red]")
            raise typer.Exit(2) from None
    return roots


def _trusted_key(public_key: str | None) -> str | None:
    from cases.wiring import Settings

    if public_key is not None:
        return public_key.strip().lower()
    path = Settings.from_env().anchor_key_path()
    return public_key_hex(signing_key(path)) if path.exists() else None


@audit_app.command("verify")
def verify(
    case: Annotated[int | None, typer.Option("--case", help="一个案件（默认：全部案件）")] = None,
    every: Annotated[bool, typer.Option("--all", help="全部案件（默认）")] = False,
    published: Annotated[
        Path | None,
        typer.Option("--published", help="已公布的根（`audit anchors` 输出的 JSON Lines）"),
    ] = None,
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="本局的 Ed25519 公钥（十六进制）")
    ] = None,
) -> None:
    """逐条读取全部日志，按已公布的根及其签名核对每个案件。"""
    from cases.wiring import Settings

    if case is not None and every:
        raise typer.BadParameter("--case 与 --all 不能同时使用")
    console = _console()
    trusted = _trusted_key(public_key)
    if trusted is None:
        console.print("[yellow]没有本局公钥（--public-key 或签名密钥文件）：只核对签名本身是否有效[/yellow]")
    settings = Settings.from_env()
    engine = settings.database()
    findings: list[AuditFinding] = []
    with Session(engine) as session:
        roots = _read_published(published) if published is not None else published_roots(session)
        findings += check_roots(session, roots, trusted)
        bad_days = {f.day for f in findings if f.kind == "signature"}
        good = {r.day: r for r in roots if r.day not in bad_days}
        ids = [case] if case is not None else case_ids(session)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        anchored = events = 0
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("核验案件日志", total=len(ids))
            for one in ids:
                audit = check_case(session, one, good)
                findings += audit.findings
                findings += evidence_findings(session, one, settings.evidence_path())
                events += audit.events
                anchored += bool(audit.anchored)
                progress.advance(task)
    engine.dispose()
    if findings:
        table = Table(title="锚定核验发现的问题")
        for column in ("case", "day", "kind", "detail"):
            table.add_column(column, overflow="fold")
        for f in findings:
            table.add_row(str(f.case_id or "-"), f.day or "-", _KINDS.get(f.kind, f.kind), escape(f.detail))
        console.print(table)
    console.print(
        f"核验 {len(roots)} 个公布的根、{len(ids)} 个案件（{anchored} 个已锚定）、{events} 个事件："
        + (f"[red]{len(findings)} 个问题[/red]" if findings else "[green]全部一致[/green]")
    )
    if findings:
        raise typer.Exit(1)
