"""`subsidyflow personal erase --before DATE`: personal data erased after its retention period (个人信息保护法).

The cases closed (paid, rejected, cancelled, stopped) before DATE lose their personal values: the
vault's ciphertext is cleared, their roster lines and payment blanked. DATE may be no later than
today less the policy's ``personal_data_retention_years`` (档案保存期限). The event log keeps every
reference, so every chain and every replay still verifies; readers show 「（已按保存期限删除）」.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

personal_app = typer.Typer(
    help="个人信息（身份证号、手机号、姓名、银行账号）：加密保存在日志之外，保存期满后删除。",
    no_args_is_help=True,
)
_out = Console(width=120, soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} 不是日期：请写成 YYYY-MM-DD，如 1996-12-31") from None


@personal_app.command("erase")
def erase(
    before: Annotated[
        str, typer.Option("--before", help="删除在此日期之前结案的案件的个人信息（YYYY-MM-DD）")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将删除的案件和数量，不删除")] = False,
) -> None:
    """删除保存期满的个人信息：只删除已结案（已拨付、未通过、已取消、已停止）且在 --before 之前结案的案件。

    --before 不得晚于「今天减去保存年限」（策略参数 personal_data_retention_years，默认 30 年）。
    事件日志中只有个人信息的哈希引用，删除后哈希链和回放仍可验证。
    数据库：SUBSIDYFLOW_DATABASE_URL，默认 var/subsidyflow.db。
    """
    from bpmn.clock import SystemClock
    from cases.personal_data import erase_closed, retention_cutoff
    from cases.wiring import OperatorFileError, Settings, runtime
    from domain.calendar import SHANGHAI
    from store.migrate import upgrade

    cut = _day(before)
    try:
        settings = Settings.from_env()
        rt = runtime(settings, SystemClock(), calendar=settings.calendar())
    except OperatorFileError as bad:
        _err.print(f"[red]{bad}[/red]")
        raise typer.Exit(2) from None
    now = rt.now()
    latest = retention_cutoff(now.astimezone(SHANGHAI).date(), rt.policy.personal_data_retention_years)
    if cut > latest:
        _err.print(
            f"[red]--before {cut.isoformat()} 晚于保存期限：结案不满 {rt.policy.personal_data_retention_years} 年的"
            f"个人信息不得删除，最晚只能写 {latest.isoformat()}[/red]"
        )
        raise typer.Exit(2)
    upgrade(rt.db)
    with rt.session() as session:
        done = erase_closed(session, cut, now, dry_run=dry_run)
        if not dry_run:
            session.commit()
    listed = "、".join(str(c) for c in done.cases) or "无"
    verb = "将删除" if dry_run else "已删除"
    _out.print(f"{verb} {len(done.cases)} 个案件（{listed}）的个人信息，共 {done.values} 项；事件日志未改动")
