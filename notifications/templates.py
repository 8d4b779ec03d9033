"""The Chinese message templates: one title and one Markdown body per kind of notification.

Templates are fixed text with named fields; ``render`` fills only the fields its template names
(whatever else the context holds is never read) and masks every long number in the result, so
no message carries an ID number, a phone or a bank account (notifications/redaction.py).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from notifications.redaction import redact


class Kind(StrEnum):
    """What a notification tells."""

    TASK_ASSIGNED = "task_assigned"  # a human task became ready for the recipient's role (or them)
    REMINDER = "reminder"  # a task's deadline is near
    ESCALATION = "escalation"  # an SLA deadline passed with the work not done
    RETURNED = "returned"  # an application or claim sent back to the applicant, with the reason
    NOTICE_PUBLISHED = "notice_published"  # the claim is on public notice
    PAID = "paid"  # the subsidy was paid


@dataclass(frozen=True, slots=True)
class Template:
    """A title and a Markdown body with ``{field}`` places."""

    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready for any channel."""

    title: str
    body: str


TEMPLATES: Mapping[Kind, Template] = MappingProxyType({
    Kind.TASK_ASSIGNED: Template(
        "【待办】{task_title}：{case_label}",
        "您有一项新的待办任务：**{task_title}**\n\n"
        "> 案件：{case_label}（{institution}）\n> 办理时限：{due}\n\n"
        "请登录系统，在「我的待办」中办理。",
    ),
    Kind.REMINDER: Template(
        "【催办】{task_title} 将于 {due} 到期：{case_label}",
        "待办任务 **{task_title}** 即将到期，请抓紧办理。\n\n"
        "> 案件：{case_label}（{institution}）\n> 办理时限：{due}",
    ),
    Kind.ESCALATION: Template(
        "【超时督办】{case_label}：{sla_name}已超过时限",
        "案件 {case_label}（{institution}）的**{sla_name}**时限（{due}）已过，尚未办结。\n\n"
        "> 待办环节：{open_tasks}\n\n请督促相关人员尽快办理，超时情况已记录在案。",
    ),
    Kind.RETURNED: Template(
        "【退回补正】{case_label} 的{returned_what}被退回",
        "您提交的**{returned_what}**（案件 {case_label}）已被退回，请按以下意见补正后重新提交：\n\n"
        "> {reason}\n\n请登录系统，在「我的待办」中修改后提交。",
    ),
    Kind.NOTICE_PUBLISHED: Template(
        "【公示】{case_label} 的补贴申领已进入公示",
        "案件 {case_label}（{institution}）的补贴申领已公示。\n\n"
        "> 公示期：{notice_start} 至 {notice_end}\n> 拟补贴金额：{amount}\n\n"
        "公示期内无异议的，将进入资金拨付。",
    ),
    Kind.PAID: Template(
        "【已拨付】{case_label} 的培训补贴已拨付",
        "案件 {case_label}（{institution}）的培训补贴 **{amount}** 已于 {paid_on} 拨付，请注意查收。",
    ),
})  # fmt: skip


def fields(template: Template) -> frozenset[str]:
    """The names a template fills."""
    names: set[str] = set()
    for text in (template.title, template.body):
        names.update(name for _, name, _, _ in string.Formatter().parse(text) if name)
    return frozenset(names)


def render(kind: Kind, context: Mapping[str, object]) -> Rendered:
    """The message of ``kind`` with the context's values for its fields only, every long number masked."""
    template = TEMPLATES[kind]
    missing = fields(template) - context.keys()
    if missing:
        raise ValueError(f"template {kind.value} needs {sorted(missing)}")
    values = {name: redact(str(context[name])).replace("\n", " ") for name in fields(template)}
    return Rendered(redact(template.title.format(**values)), redact(template.body.format(**values)))
