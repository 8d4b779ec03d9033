"""`subsidyflow simulate`: a year of cases judged by the current deployment and by a proposed one."""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from cases.deploy import CandidateUnreadable, read_candidate
from cases.wiring import OperatorFileError, Settings, load_operator_policy
from cli.simulation import Variant, default_workers, peak_rss_mib, play_year, stream_text
from domain.calendar import BusinessCalendar
from forms import safe_yaml
from workflows.year_generator import Rates, YearSpec, generate_year

console = Console(width=max(120, Console().width))
err_console = Console(stderr=True, soft_wrap=True)


def _proposed_policy(proposed: Path | None, policy_file: Path | None) -> Path | None:
    if proposed is not None and policy_file is not None:
        err_console.print("[red]--proposed 与 --policy 只能二选一[/red]")
        raise typer.Exit(2)
    if policy_file is not None and not policy_file.is_file():
        err_console.print(
            f"[red]--policy 给出的策略文件不存在[/red]：{escape(str(policy_file))}", highlight=False
        )
        raise typer.Exit(2)
    if proposed is not None:
        path = proposed / "policy.yaml"
        if not path.is_file():
            err_console.print(
                f"[red]{escape(str(proposed))} 中没有 policy.yaml[/red]：拟议方案目录须含策略文件 policy.yaml"
            )
            raise typer.Exit(2)
        return path
    return policy_file


def _proposed_models(proposed: Path | None) -> dict[str, bytes] | None:
    """The proposed directory's models and forms, when it has models (as `subsidyflow deploy` reads them)."""
    if proposed is None or not any(proposed.glob("processes/*.bpmn")):
        return None
    try:
        return read_candidate(proposed).files
    except CandidateUnreadable as bad:
        err_console.print(f"[red]拟议方案目录有误[/red] {escape(str(bad))}", highlight=False)
        raise typer.Exit(2) from None


def _covered(calendar: BusinessCalendar, year: int) -> bool:
    """Whether the calendar has ``year``; a year no date can have (0, 10000, 10**20) has none."""
    try:
        return calendar.covers(year)
    except (ValueError, OverflowError):
        return False


def _writable_directory(path: Path | None, option: str) -> None:
    """Make ``path`` a directory now, or refuse the run (exit 2) before any case is played."""
    if path is None:
        return
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        reason = "已存在同名文件" if path.exists() and not path.is_dir() else safe_yaml.os_reason(err)
        err_console.print(
            f"[red]{option} 目录 {escape(str(path))} 无法写入[/red]（{reason}）：请换一个可写的目录",
            highlight=False,
        )
        raise typer.Exit(2) from None


def simulate(
    cases: Annotated[int, typer.Option(min=1, help="案件（培训班）数，例如全省一年约 5000")] = 500,
    year: Annotated[int, typer.Option(help="模拟年度（须有官方日历数据）")] = 2026,
    seed: Annotated[int, typer.Option(help="随机种子：同一种子生成同一年度")] = 2026,
    proposed: Annotated[
        Path | None,
        typer.Option(
            help="拟议方案目录：policy.yaml，可另含 processes/*.bpmn、decisions/*.dmn、forms/*.json"
        ),
    ] = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="拟议策略文件（代替 --proposed）")] = None,
    quota_pct: Annotated[
        int, typer.Option(min=0, max=1000, help="拟议方案的计划名额（占现行名额的百分比）")
    ] = 100,
    returned: Annotated[float, typer.Option(min=0, max=1, help="退回补正的比例")] = 0.10,
    cancelled: Annotated[float, typer.Option(min=0, max=1, help="开班到课率不足 90% 而取消的比例")] = 0.03,
    objection: Annotated[float, typer.Option(min=0, max=1, help="公示期有异议的比例")] = 0.03,
    fraud: Annotated[float, typer.Option(min=0, max=1, help="查出违规的比例")] = 0.004,
    late: Annotated[float, typer.Option(min=0, max=1, help="审核人员办理迟延的比例")] = 0.06,
    low_satisfaction: Annotated[float, typer.Option(min=0, max=1, help="满意度低于标准的比例")] = 0.01,
    workers: Annotated[int, typer.Option(min=0, help="并行进程数（0：每核一个）")] = 0,
    out: Annotated[Path | None, typer.Option(help="报告目录：写入 simulation.xlsx 与 simulation.pdf")] = None,
    replay: Annotated[
        bool, typer.Option(help="模拟后逐案重放事件历史（cases/replay.py），核对每一步的状态摘要")
    ] = False,
    export: Annotated[
        Path | None, typer.Option(help="把生成的年度按机构写成场景文件（可用 scenario run 逐个复核）")
    ] = None,
) -> None:
    """模拟一个年度的案件：在现行部署与拟议方案下分别运行，并排对比超期、被拒、金额、暂停机构、用时与名额。"""
    from cli.simulation_report import (  # openpyxl: for this command only
        rich_table,
        summarize,
        write_pdf,
        write_xlsx,
    )

    settings = Settings.from_env()
    try:
        calendar = settings.calendar()
        current_policy = settings.policy()
        proposed_path = _proposed_policy(proposed, policy)
        proposed_policy = load_operator_policy(str(proposed_path)) if proposed_path else current_policy
    except OperatorFileError as bad:
        err_console.print(f"[red]策略或日历文件有误[/red] {escape(str(bad))}", highlight=False)
        raise typer.Exit(2) from None
    if not _covered(calendar, year):
        err_console.print(
            f"[red]{year} 年没有官方日历数据[/red]：请用 SUBSIDYFLOW_CALENDAR_FILE 提供该年的节假日与调休"
        )
        raise typer.Exit(2)
    for where, option in ((out, "--out"), (export, "--export")):  # before the work, not after it
        _writable_directory(where, option)
    rates = Rates(returned=returned, cancelled=cancelled, objection=objection, fraud=fraud, late_review=late,
                  low_satisfaction=low_satisfaction)  # fmt: skip
    spec = YearSpec(cases=cases, year=year, seed=seed, rates=rates)
    streams = generate_year(spec, calendar, current_policy)
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
        for i, stream in enumerate(streams):
            (export / f"{i:05d}.yaml").write_text(stream_text(stream), encoding="utf-8")
    variants = [Variant("现行方案", current_policy, calendar, replay=replay),
                Variant("拟议方案", proposed_policy, calendar, quota_pct=quota_pct, replay=replay,
                        files=_proposed_models(proposed))]  # fmt: skip
    n_workers = workers or default_workers()
    gc.collect()
    gc.freeze()  # the parsed models and the generated year live as long as the run: out of every collection
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:  # fmt: skip
        for variant in variants:
            task = progress.add_task(f"{variant.name}：{len(streams)} 个机构", total=cases)

            def advance(n: int, task: TaskID = task) -> None:
                progress.advance(task, n)

            play_year(streams, variant, workers=n_workers, progress=advance)
    elapsed = time.perf_counter() - started
    current, other = (summarize(v.name, v.streams) for v in variants)
    console.print(rich_table(current, other))
    note = (
        f"{year} 年度，{cases} 个培训班、{len(streams)} 个机构，种子 {seed}；现行：{settings.policy_file or '产品默认策略'}；"
        f"拟议：{proposed_path or '同现行'}，计划名额 {quota_pct}%。每个案件均经生产命令路径（与 scenario run 相同）判定。"
    )
    console.print(
        f"用时 {elapsed:.1f} 秒（{2 * cases / elapsed:.1f} 案件/秒，{n_workers} 个进程），内存峰值 {peak_rss_mib():.0f} MiB"
    )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        write_xlsx(out / "simulation.xlsx", current, other, {v.name: v.streams for v in variants})
        write_pdf(out / "simulation.pdf", current, other, note)
        console.print(
            f"报告已写入 {escape(str(out / 'simulation.xlsx'))} 与 {escape(str(out / 'simulation.pdf'))}"
        )
    if replay:
        failed = [c for v in variants for st in v.streams for c in st.replay_failures]
        verdict = "全部通过" if not failed else f"[red]{len(failed)} 个未通过[/red]：{'、'.join(failed[:10])}"
        console.print(f"重放核对：{2 * cases} 个案件，{verdict}")
        if failed:
            raise typer.Exit(1)
