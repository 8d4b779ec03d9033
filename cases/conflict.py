"""The error of a command that lost a race for a case's row (cases/races.py turns it into ``conflict``)."""

from __future__ import annotations


class CaseConflict(RuntimeError):
    """Another command changed the case first: reload and try again."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"案件 {case_id} 已被他人同时修改，请刷新后重试")
        self.case_id = case_id
