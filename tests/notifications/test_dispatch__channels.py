"""Dispatch through real channels on loopback: SMTP (aiosmtpd), WeCom and DingTalk robots (http.server).

A channel that is down (connection refused, HTTP 500) delays a message, never loses or doubles it;
the last failure makes a dead letter the admin sees; two dispatchers at once send each message once.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from sqlalchemy import Engine
from sqlmodel import Session, select

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from notifications.channels.base import ChannelKind
from notifications.channels.email import SmtpChannel
from notifications.channels.fake import FakeChannel
from notifications.channels.inapp import InAppChannel
from notifications.channels.webhook import WebhookChannel
from notifications.outbox import Message, Recipient
from notifications.templates import Kind, render
from store import outbox
from store.catalogue import ensure_user
from store.db import create_schema, make_engine
from store.outbox_tables import NotificationRow
from store.user_channels import choose_channels
from workflows.notifications import MAX_ATTEMPTS, dispatch_notifications

T0 = datetime(2026, 5, 8, 1, 0, tzinfo=UTC)
CONTEXT = {"case_label": "2026-焊工-31", "institution": "济源技师学院", "amount": "44,400.00 元",
           "paid_on": "2026年5月8日", "phone": "13800000001"}  # fmt: skip


class Recorder(Sink):
    """Keeps every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


class Robot(BaseHTTPRequestHandler):
    """A group robot: records each JSON body; answers the status the test sets (200 with errcode 0)."""

    server: RobotServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        """Record and answer."""
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.server.status
        if status == 200:
            self.server.received.append((self.path, body))
        payload = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class RobotServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Robot)
        self.status = 200
        self.received: list[tuple[str, dict[str, Any]]] = []


@pytest.fixture
def robot() -> Iterator[RobotServer]:
    server = RobotServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield recorder, controller.port
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _rt(engine: Engine) -> Runtime:
    return Runtime(engine, VirtualClock(T0), BusinessCalendar(), Policy())


@pytest.fixture
def rt(tmp_path: Path) -> Runtime:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    create_schema(engine)
    return _rt(engine)


def _enqueue(rt: Runtime, choices: list[tuple[ChannelKind, str]], key: str = "m1") -> None:
    with Session(rt.db) as session:
        ensure_user(session, "jyjs", "applicant")
        choose_channels(session, "jyjs", choices, T0)
        message = Message(Kind.PAID, Recipient(user="jyjs"), key, None, render(Kind.PAID, CONTEXT))
        outbox.enqueue(session, [message], T0)
        session.commit()


def _rows(rt: Runtime) -> list[NotificationRow]:
    with Session(rt.db) as session:
        return list(session.exec(select(NotificationRow)))


def test_email_goes_through_a_real_smtp_server(rt: Runtime, smtp: tuple[Recorder, int]) -> None:
    recorder, port = smtp
    _enqueue(rt, [(ChannelKind.EMAIL, "jyjs@example.cn")])
    report = dispatch_notifications(rt, [SmtpChannel("127.0.0.1", port, "noreply@example.cn", timeout=5)], T0)
    assert len(report.sent) == 1 and len(recorder.messages) == 1
    mail = message_from_bytes(recorder.messages[0])
    assert mail["To"] == "jyjs@example.cn"
    assert str(make_header(decode_header(mail["Subject"]))) == "【已拨付】2026-焊工-31 的培训补贴已拨付"
    text = mail.get_payload(decode=True).decode("utf-8")
    assert "44,400.00 元" in text and "13800000001" not in text
    assert dispatch_notifications(rt, [SmtpChannel("127.0.0.1", port, "noreply@example.cn")], T0).sent == []


def test_robots_receive_the_wecom_and_dingtalk_formats(rt: Runtime, robot: RobotServer) -> None:
    base = f"http://127.0.0.1:{robot.server_port}"
    _enqueue(
        rt,
        [(ChannelKind.WECOM, f"{base}/wecom?key=k"), (ChannelKind.DINGTALK, f"{base}/ding?access_token=t")],
    )
    channels = [WebhookChannel(kind, allowed_hosts={"127.0.0.1"}, timeout=2) for kind in (ChannelKind.WECOM,
                ChannelKind.DINGTALK)]  # fmt: skip
    report = dispatch_notifications(rt, channels, T0)
    assert len(report.sent) == 2
    bodies = dict(robot.received)
    wecom, ding = bodies["/wecom?key=k"], bodies["/ding?access_token=t"]
    assert wecom["msgtype"] == "markdown" and set(wecom["markdown"]) == {"content"}
    assert wecom["markdown"]["content"].startswith("**【已拨付】2026-焊工-31 的培训补贴已拨付**")
    assert (
        ding["msgtype"] == "markdown"
        and ding["markdown"]["title"] == "【已拨付】2026-焊工-31 的培训补贴已拨付"
    )
    assert "44,400.00 元" in ding["markdown"]["text"]


def test_a_robot_host_not_configured_is_never_called(rt: Runtime, robot: RobotServer) -> None:
    _enqueue(rt, [(ChannelKind.WECOM, f"http://127.0.0.1:{robot.server_port}/wecom?key=k")])
    report = dispatch_notifications(rt, [WebhookChannel(ChannelKind.WECOM)], T0)  # official hosts only
    assert len(report.dead) == 1 and robot.received == []


def test_an_outage_delays_a_message_and_never_loses_or_doubles_it(rt: Runtime, robot: RobotServer) -> None:
    port = _free_port()  # nobody listens yet: connection refused
    _enqueue(rt, [(ChannelKind.WECOM, f"http://127.0.0.1:{port}/wecom")], key="down")
    _enqueue(rt, [(ChannelKind.DINGTALK, f"http://127.0.0.1:{robot.server_port}/ding")], key="err")
    channels = [WebhookChannel(kind, allowed_hosts={"127.0.0.1"}, timeout=2) for kind in (ChannelKind.WECOM,
                ChannelKind.DINGTALK)]  # fmt: skip
    robot.status = 500
    now = T0
    for _ in range(3):  # refused and 500, then again at each back-off instant: 1 min, 5 min later
        report = dispatch_notifications(rt, channels, now)
        assert report.sent == [] and len(report.retried) == 2
        assert dispatch_notifications(rt, channels, now).retried == []  # not due again yet
        now = min(r.next_attempt_at for r in _rows(rt) if r.next_attempt_at is not None)
    robot.status = 200
    for _ in range(5):  # the robot is back; the other address stays down
        dispatch_notifications(rt, channels, now + timedelta(hours=1))
    assert [path for path, _ in robot.received] == ["/ding"]
    rows = {r.channel: r for r in _rows(rt)}
    assert (rows["dingtalk"].status, rows["dingtalk"].attempts) == ("sent", 4)
    assert rows["wecom"].status == "pending" and "ConnectError" in (rows["wecom"].last_error or "")


def test_the_last_failure_makes_a_dead_letter_the_admin_sees(rt: Runtime) -> None:
    _enqueue(rt, [(ChannelKind.EMAIL, "jyjs@example.cn")])
    channel = FakeChannel(ChannelKind.EMAIL)
    channel.down = True
    now, waits = T0, []
    for _ in range(MAX_ATTEMPTS + 3):
        dispatch_notifications(rt, [channel], now)
        [row] = _rows(rt)
        if row.next_attempt_at is None:
            break
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                     timedelta(hours=4)]  # fmt: skip
    assert (row.status, row.attempts, channel.attempts) == ("dead", MAX_ATTEMPTS, MAX_ATTEMPTS)
    with Session(rt.db) as session:
        [dead] = outbox.dead_letters(session)
        assert (dead.kind, dead.recipient, dead.channel, dead.where) == (
            "paid",
            "jyjs",
            "email",
            "***@example.cn",
        )
        assert outbox.retry_dead(session, [dead.id], now) == 1
        session.commit()
    channel.down = False
    assert len(dispatch_notifications(rt, [channel], now).sent) == 1 and len(channel.sent) == 1


def test_a_permanent_failure_is_a_dead_letter_at_once(rt: Runtime) -> None:
    _enqueue(rt, [(ChannelKind.EMAIL, "jyjs@example.cn")])
    assert len(dispatch_notifications(rt, [FakeChannel(ChannelKind.EMAIL, ["permanent"])], T0).dead) == 1


def test_two_dispatchers_at_once_send_each_message_once(rt: Runtime) -> None:
    for i in range(30):
        _enqueue(rt, [(ChannelKind.INAPP, "")], key=f"m{i}")
    channel = FakeChannel(ChannelKind.INAPP)
    start = threading.Barrier(2)
    reports = []

    def dispatcher() -> None:
        start.wait(timeout=10)
        reports.append(dispatch_notifications(_rt(rt.db), [channel], T0))

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(channel.sent) == 30 and len({d.id for d in channel.sent}) == 30
    assert sum(len(r.sent) for r in reports) == 30
    with Session(rt.db) as session:
        assert [n.title for n in outbox.inbox(session, "jyjs")][0].startswith("【已拨付】")
        first = outbox.inbox(session, "jyjs")[0]
        assert first.id is not None and outbox.mark_read(session, "jyjs", first.id, T0)
        assert not outbox.mark_read(session, "someone", first.id, T0)


def test_in_app_needs_a_user() -> None:
    from notifications.channels.base import Delivery, PermanentFailure

    with pytest.raises(PermanentFailure):
        InAppChannel().send(Delivery(1, " "))
