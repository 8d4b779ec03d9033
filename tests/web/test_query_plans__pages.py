"""No page walks a table that grows with the cases: every statement behind the pages uses an index.

The reviewers' inbox, a task, a case page and its API, the applicant's cases, the admin lists and the
public notices, each read by the role that uses it, over cases in several stages (query_plans.py).
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from pages_play import add_staff, file_case, play_until
from query_plans import recording, walking
from sqlmodel import Session, col, select
from web_support import sign_in

from cases.runtime import Runtime
from store.tables import HumanTask

PAGES = {
    "wang": ("/inbox", "/api/inbox", "/cases/{paid}", "/api/cases/{paid}", "/tasks/{task}", "/cases/{open}"),
    "jyjs": ("/my/cases", "/api/my/cases", "/cases/{paid}", "/my/applications/new"),
    "shen": ("/cases/{paid}", "/api/cases/{paid}"),
    "root": (
        "/admin",
        "/admin?q=w&role=reviewer",
        "/api/admin/users?q=wa",
        "/api/admin/institutions",
        "/api/admin/plan?year=2026",
    ),
}


def test_every_page_reads_the_growing_tables_by_index(
    client: TestClient, rt: Runtime, password_hash: str
) -> None:
    add_staff(rt, password_hash)
    paid, opened = file_case(rt, "plans-paid"), file_case(rt, "plans-open")
    play_until(rt, paid)  # to the notice; the other waits for its first review
    with Session(rt.db) as session:
        task = session.exec(
            select(HumanTask.id)
            .where(HumanTask.case_id == opened, HumanTask.status == "open")
            .order_by(col(HumanTask.id))
        ).first()
    ids = {"paid": paid, "open": opened, "task": task}
    plans: dict[str, list[str]] = {}
    answers: dict[str, int] = {}
    with recording(rt.db, plans):
        for path in ("/notices", "/api/notices"):
            answers[f"public {path}"] = client.get(path).status_code
        for user, paths in PAGES.items():
            sign_in(client, user)
            for path in paths:
                answers[f"{user} {path}"] = client.get(path.format(**ids)).status_code
    assert {page: code for page, code in answers.items() if code != 200} == {}
    text = " ".join(plans)  # the pages did read what they show
    for table in ("notice", "human_task", "case_event", "roster_entry", "plan_line"):
        assert f"FROM {table}" in text, table
    assert walking(plans) == {}
