"""Catalogue commands on institutions: a suspended institution's rectification accepted (004 三(三))."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from cases.commands import Actor, Outcome
from cases.races import RACES, conflict
from cases.runtime import Runtime
from domain.errors import ErrorCode, Violation
from domain.records import Rectification
from domain.vocab import InstitutionStatus
from forms.task_definitions import EVENTS_BY_ID
from forms.validator import validate
from store.catalogue import DbCatalogue, ensure_user, set_institution_status


def accept_rectification(rt: Runtime, *, actor: Actor, data: Mapping[str, Any]) -> Outcome:
    """The bureau (approver) accepts a suspended institution's rectification: it may open classes again."""
    if actor.role not in {r.value for r in EVENTS_BY_ID["rectification"].roles}:
        return Outcome(
            False, None, (Violation(ErrorCode.FORBIDDEN, None, "整改验收须由人社审核（approver）办理"),)
        )
    form = validate("rectification", data)
    if not form.ok or not isinstance(form.value, Rectification):
        return Outcome(False, None, form.errors)
    with rt.session() as session:
        try:
            return _accept(rt, session, actor, form.value)
        except RACES as lost:  # another command changed the institution first: nothing of ours is kept
            session.rollback()
            return Outcome(False, None, conflict(lost))


def _accept(rt: Runtime, session: Session, actor: Actor, rectification: Rectification) -> Outcome:
    name = rectification.institution
    if actor.role not in ensure_user(session, actor.user).roles:
        return Outcome(False, None, (Violation(ErrorCode.FORBIDDEN, None, "您没有人社审核角色"),))
    status = DbCatalogue(session).institution_status(name)
    if status is None:
        return Outcome(
            False, None, (Violation(ErrorCode.INVALID_FIELD, "institution", f"目录中没有机构「{name}」"),)
        )
    if status is InstitutionStatus.BLACKLISTED:
        # 000 五: fraud disqualifies permanently; a rectification cannot lift a black-listing.
        message = f"「{name}」已列入黑名单，永久取消资格，不能通过整改恢复"
        return Outcome(False, None, (Violation(ErrorCode.INSTITUTION_BLOCKED, "institution", message),))
    if status is not InstitutionStatus.SUSPENDED:
        return Outcome(
            False,
            None,
            (Violation(ErrorCode.NO_SUCH_TASK, "institution", f"「{name}」未被暂停，无需整改验收"),),
        )
    reason = f"整改验收通过（{actor.user}）：{rectification.comment}".rstrip("：")
    set_institution_status(session, name, InstitutionStatus.ACTIVE, reason, rt.now())
    session.commit()
    return Outcome(True, None)
