"""The one place the application is wired from its settings: database, policy, calendar, clock.

The CLI, the scenario runner, replay, the demo and (next) the web app and the flows all start
here: ``Settings.from_env()`` reads the deployment's settings, ``runtime(settings)`` builds the
runtime every command runs against. The operator's own files, the policy
(`SUBSIDYFLOW_POLICY_FILE`) and the calendar (`SUBSIDYFLOW_CALENDAR_FILE`), are read within the
same limits as scenario files; a bad one is refused with the file, line and key and how to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from bpmn.clock import Clock, SystemClock
from cases.runtime import Runtime
from domain.calendar import BusinessCalendar
from domain.policy import Policy, PolicyError, check_policy_ranges, load_policy
from forms import safe_yaml
from forms.bounds import MAX_YEAR, MIN_YEAR, year_in_range
from store import personal
from store.db import make_engine

DATABASE_ENV = "SUBSIDYFLOW_DATABASE_URL"
POLICY_ENV = "SUBSIDYFLOW_POLICY_FILE"
CALENDAR_ENV = "SUBSIDYFLOW_CALENDAR_FILE"
ANCHOR_KEY_ENV = "SUBSIDYFLOW_ANCHOR_KEY"  # the operator's Ed25519 key (PEM) signing the daily roots
DATA_KEY_ENV = personal.DATA_KEY_ENV  # the Fernet key file encrypting personal data (and salting its refs)
GATEWAY_ENV = "SUBSIDYFLOW_GATEWAY_URL"
REMINDER_DAYS_ENV = "SUBSIDYFLOW_SLA_REMINDER_WORKING_DAYS"
EVIDENCE_ENV = "SUBSIDYFLOW_EVIDENCE_DIR"  # where evidence files are kept by content hash


@dataclass(frozen=True, slots=True)
class Settings:
    """What a deployment of the product sets: the database and the operator's files (None: defaults)."""

    database_url: str | None = None  # None: the embedded SQLite file under ./var
    policy_file: str | None = None  # None: the policy's defaults (domain/policy_default.yaml)
    calendar_file: str | None = None  # None: the official calendar package alone
    gateway_url: str | None = None  # the payment gateway's HTTP API; None: payments wait (not sent)
    sla_reminder_working_days: int = 2  # a reminder this many working days before a task's deadline
    # notifications (workflows/notifications.py): e-mail once an SMTP host is set; robot hosts besides
    # WeCom's and DingTalk's own (SUBSIDYFLOW_SMTP_HOST, …_PORT, …_FROM, …_USER, …_PASSWORD, …_STARTTLS,
    # SUBSIDYFLOW_WEBHOOK_HOSTS, comma-separated)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "subsidyflow@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    webhook_hosts: tuple[str, ...] = ()
    anchor_key_file: str | None = None  # None: var/anchor_key.pem, generated (0600) on first use
    evidence_dir: str | None = None  # None: var/evidence (files by sha256: ab/cdef…)
    data_key_file: str | None = None  # None: var/data_key, generated (0600) on first use

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of the environment (`SUBSIDYFLOW_DATABASE_URL`, `…_POLICY_FILE`, `…_CALENDAR_FILE`)."""
        env = os.environ if environ is None else environ
        days = (env.get(REMINDER_DAYS_ENV) or "2").strip()
        if not days.isdigit() or not 0 < int(days) <= 30:  # noqa: PLR2004 - a sane bound
            raise OperatorFileError(f"{REMINDER_DAYS_ENV}={days!r}：应为 1–30 之间的整数（工作日）")
        return cls(
            env.get(DATABASE_ENV) or None, env.get(POLICY_ENV) or None, env.get(CALENDAR_ENV) or None,
            env.get(GATEWAY_ENV) or None, int(days), **_notification_env(env),
            anchor_key_file=env.get(ANCHOR_KEY_ENV) or None, evidence_dir=env.get(EVIDENCE_ENV) or None,
            data_key_file=env.get(DATA_KEY_ENV) or None,
        )  # fmt: skip

    def policy(self) -> Policy:
        """The bureau's policy (OperatorFileError naming the key when the file is bad)."""
        return load_operator_policy(self.policy_file)

    def calendar(self) -> BusinessCalendar:
        """The working-day calendar with the operator's data (OperatorFileError when the file is bad)."""
        return load_operator_calendar(self.calendar_file)

    def database(self) -> Engine:
        """An engine on the configured database."""
        return make_engine(self.database_url)

    def anchor_key_path(self) -> Path:
        """Where the operator's anchor signing key is (`SUBSIDYFLOW_ANCHOR_KEY`; default var/anchor_key.pem)."""
        return Path(self.anchor_key_file) if self.anchor_key_file else Path("var") / "anchor_key.pem"

    def data_key_path(self) -> Path:
        """Where the personal-data key is (`SUBSIDYFLOW_DATA_KEY`; default var/data_key)."""
        return Path(self.data_key_file) if self.data_key_file else personal.DEFAULT_KEY_PATH

    def keyring(self) -> personal.Keyring:
        """The key of personal data and the salt of its references (made in memory, with a fixed salt,
        for an in-memory database: throw-away runs repeat their references)."""
        if self.database_url == "sqlite://":
            return personal.Keyring.ephemeral()
        return personal.Keyring.from_file(self.data_key_path())

    def evidence_path(self) -> Path:
        """Where evidence files are kept by their sha256 (`SUBSIDYFLOW_EVIDENCE_DIR`; default var/evidence)."""
        return Path(self.evidence_dir) if self.evidence_dir else Path("var") / "evidence"


def runtime(
    settings: Settings,
    clock: Clock | None = None,
    *,
    db: Engine | None = None,
    policy: Policy | None = None,
    calendar: BusinessCalendar | None = None,
    check_roundtrip: bool = False,
) -> Runtime:
    """The runtime of these settings: their database, policy and calendar (each may be given instead)."""
    if db is None:
        db = settings.database()
        personal.attach(db, settings.keyring(), keep=True)
    return Runtime(
        db,
        clock if clock is not None else SystemClock(),
        calendar if calendar is not None else settings.calendar(),
        policy if policy is not None else settings.policy(),
        check_roundtrip=check_roundtrip,
    )


def _notification_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The notification settings of the environment (`SUBSIDYFLOW_SMTP_*`, `SUBSIDYFLOW_WEBHOOK_HOSTS`)."""
    port = (env.get("SUBSIDYFLOW_SMTP_PORT") or "25").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:  # noqa: PLR2004 - TCP ports
        raise OperatorFileError(f"SUBSIDYFLOW_SMTP_PORT={port!r}：应为 1–65535 之间的端口号")
    hosts = (env.get("SUBSIDYFLOW_WEBHOOK_HOSTS") or "").split(",")
    return {
        "smtp_host": env.get("SUBSIDYFLOW_SMTP_HOST") or None, "smtp_port": int(port),
        "smtp_from": env.get("SUBSIDYFLOW_SMTP_FROM") or "subsidyflow@localhost",
        "smtp_user": env.get("SUBSIDYFLOW_SMTP_USER") or None, "smtp_password": env.get("SUBSIDYFLOW_SMTP_PASSWORD") or None,
        "smtp_starttls": (env.get("SUBSIDYFLOW_SMTP_STARTTLS") or "").strip().lower() in ("1", "true", "yes"),
        "webhook_hosts": tuple(h.strip() for h in hosts if h.strip()),
    }  # fmt: skip


class OperatorFileError(ValueError):
    """An operator file that cannot be used; the message names the file, line and key."""


def _read(path: Path, env: str, *, dates_as_text: bool = False) -> tuple[str, Any, yaml.Node | None]:
    """The text of an operator file, its data and node tree, within the limits of scenario files."""
    try:
        text = safe_yaml.decode(safe_yaml.read_limited(path))
        data, root = safe_yaml.load(text, dates_as_text=dates_as_text)
    except FileNotFoundError:
        raise OperatorFileError(f"{path}: 文件不存在：请检查环境变量 {env} 给出的路径") from None
    except OSError as err:
        raise OperatorFileError(f"{path}: 无法读取（{safe_yaml.os_reason(err)}）：请检查 {env}") from None
    except safe_yaml.YamlRefused as refused:
        raise OperatorFileError(refused.named(str(path))) from None
    except yaml.YAMLError as err:
        raise OperatorFileError(safe_yaml.describe(err, text).named(str(path))) from None
    return text, data, root


def load_operator_policy(path_text: str | None) -> Policy:
    """The bureau's policy file, or the shipped defaults when no file is configured."""
    if not path_text:
        return Policy()
    path = Path(path_text)
    text, data, root = _read(path, POLICY_ENV)
    try:
        if isinstance(data, Mapping):
            check_policy_ranges(data)
        return load_policy(text)
    except PolicyError as bad:
        loc = tuple(bad.field.split(".")) if bad.field else ()
        where = f"{path}:{safe_yaml.line_of(root, loc)}" if loc else str(path)
        key = f" {bad.field}:" if bad.field else ""
        raise OperatorFileError(
            f"{where}:{key} {bad}（各参数的含义和默认值见 domain/policy_default.yaml）"
        ) from None


def load_operator_calendar(path_text: str | None) -> BusinessCalendar:
    """The official calendar plus the operator's calendar file, when one is configured."""
    if not path_text:
        return BusinessCalendar()
    path = Path(path_text)
    text, data, root = _read(path, CALENDAR_ENV, dates_as_text=True)
    if isinstance(data, Mapping):
        _check_keys_and_years(path, data, root)
    try:
        return BusinessCalendar.from_yaml(text)
    except ValueError as bad:
        entry = _ENTRY.search(str(bad))
        keys = [k for k in _KEYS if k in str(bad)]
        if entry is not None:
            key, index = entry.group(1), int(entry.group(2)) - 1
            where = f"{path}:{safe_yaml.line_of(root, (key, index))}: {key}[{index}]:"
        elif keys:
            where = f"{path}:{safe_yaml.line_of(root, (keys[0],))}: {keys[0]}:"
        else:
            where = f"{path}:"
        raise OperatorFileError(f"{where} {bad}") from None


_KEYS = ("holidays", "workdays")
_ENTRY = re.compile(r"(holidays|workdays) 的第 (\d+) 项")


def _check_keys_and_years(path: Path, data: Mapping[Any, Any], root: yaml.Node | None) -> None:
    """Refuse an unknown key, or a calendar date outside the sane era, naming its key and line."""
    for key in data:
        if key not in _KEYS:
            raise OperatorFileError(
                f"{path}:{safe_yaml.line_of(root, (key,))}: {key}: 运营日历中有无法识别的键 {key!r}："
                "只允许 holidays（节假日）和 workdays（调休工作日）两个日期列表"
            )
    for key in _KEYS:
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            day = _as_date(entry)
            if day is not None and not year_in_range(day):
                line = safe_yaml.line_of(root, (key, i))
                raise OperatorFileError(
                    f"{path}:{line}: {key}[{i}]: 日期 {day.isoformat()} 的年份超出合理范围"
                    f"（{MIN_YEAR}–{MAX_YEAR} 年）：请改为实际的节假日或调休工作日"
                )


def _as_date(entry: object) -> date | None:
    if isinstance(entry, date):
        return entry
    if isinstance(entry, str):
        try:
            return date.fromisoformat(entry.strip())
        except ValueError:
            return None  # the calendar's own parser names it
    return None
