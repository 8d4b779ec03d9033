"""The HTTP adapter against the reference gateway, a real process on loopback: exactly one payment whatever fails.

Repeated key → the first result; 500 → GatewayError, and the retry pays once; a lost reply (recorded,
then no answer) or a dropped connection → GatewayTimeout, and the retry answers the first result; a
timeout records nothing; the key travels in the ``Idempotency-Key`` header and the body of every attempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from gateway_server import RunningGateway, reference_gateway

from workflows.gateway import GatewayError, GatewayTimeout, PaymentOrder
from workflows.gateway.http import IDEMPOTENCY_HEADER, HttpGateway

AT = datetime(2026, 5, 8, 6, 0, tzinfo=UTC)
ORDER = PaymentOrder(
    "subsidyflow-case-7-payment", 7, 4_440_000, "就业补助资金",
    payee_kind="institution", payee_name="济源技师学院", bank_name="中国工商银行济源分行",
    bank_account="6222000000000000001",
)  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningGateway]:
    with reference_gateway(tmp_path / "gateway.db", hang=2.0) as running:
        yield running


@pytest.fixture
def gateway(server: RunningGateway) -> Iterator[HttpGateway]:
    adapter = HttpGateway(server.url, timeout=0.5)
    yield adapter
    adapter.close()


def test_a_repeated_key_is_answered_with_the_first_result(
    server: RunningGateway, gateway: HttpGateway
) -> None:
    first = gateway.pay(ORDER, AT)
    again = gateway.pay(ORDER, AT + timedelta(hours=1))
    assert again == first
    assert first.amount_fen == 4_440_000 and first.paid_at == AT
    assert server.stats() == {"payments": 1, "per_key": {ORDER.idempotency_key: 1}, "requests": 2}


def test_a_500_pays_nothing_and_the_retry_pays_once(server: RunningGateway, gateway: HttpGateway) -> None:
    server.script("error", "error")
    for _ in range(2):
        with pytest.raises(GatewayError, match="HTTP 500"):
            gateway.pay(ORDER, AT)
    assert server.stats()["payments"] == 0
    receipt = gateway.pay(ORDER, AT + timedelta(minutes=5))
    assert receipt.paid_at == AT + timedelta(minutes=5)
    assert server.stats()["payments"] == 1


@pytest.mark.parametrize("behaviour", ["lost_reply", "drop"])
def test_a_reply_lost_after_the_commit_is_answered_on_retry(
    server: RunningGateway, gateway: HttpGateway, behaviour: str
) -> None:
    server.script(behaviour)
    with pytest.raises(GatewayTimeout):
        gateway.pay(ORDER, AT)
    assert server.stats()["payments"] == 1  # recorded although the answer never came
    receipt = gateway.pay(ORDER, AT + timedelta(minutes=1))
    assert receipt.paid_at == AT  # the first result, not a second payment
    assert server.stats() == {"payments": 1, "per_key": {ORDER.idempotency_key: 1}, "requests": 2}


def test_a_timeout_records_nothing_and_the_retry_pays(server: RunningGateway, gateway: HttpGateway) -> None:
    server.script("timeout")
    with pytest.raises(GatewayTimeout):
        gateway.pay(ORDER, AT)
    assert server.stats()["payments"] == 0
    assert gateway.pay(ORDER, AT + timedelta(minutes=1)).paid_at == AT + timedelta(minutes=1)
    assert server.stats()["payments"] == 1


def test_the_status_look_up_finds_the_record(server: RunningGateway, gateway: HttpGateway) -> None:
    assert gateway.lookup(ORDER.idempotency_key) is None
    receipt = gateway.pay(ORDER, AT)
    assert gateway.lookup(ORDER.idempotency_key) == receipt
    assert server.stats()["requests"] == 1  # look-ups consume no behaviour


def test_every_attempt_carries_the_key_in_header_and_body() -> None:
    seen: list[tuple[str | None, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = httpx.Response(200, content=request.content).json()
        seen.append((request.headers.get(IDEMPOTENCY_HEADER), body["idempotency_key"]))
        assert body["payee"] == {"kind": "institution", "name": "济源技师学院", "bank_name": "中国工商银行济源分行",
                                 "bank_account": "6222000000000000001"}  # fmt: skip
        if len(seen) == 1:
            return httpx.Response(503)
        return httpx.Response(200, json={"idempotency_key": body["idempotency_key"], "reference": "R-1",
                                         "amount_fen": body["amount_fen"], "paid_at": AT.isoformat()})  # fmt: skip

    adapter = HttpGateway("http://127.0.0.1:9", client=httpx.Client(transport=httpx.MockTransport(answer)))
    with pytest.raises(GatewayError) as failed:
        adapter.pay(ORDER, AT)
    assert "6222000000000000001" not in str(failed.value)
    assert adapter.pay(ORDER, AT).reference == "R-1"
    assert seen == [(ORDER.idempotency_key, ORDER.idempotency_key)] * 2


def test_a_receipt_for_another_amount_is_not_taken_as_paid() -> None:
    wrong = httpx.MockTransport(
        lambda r: httpx.Response(
            200,
            json={
                "idempotency_key": ORDER.idempotency_key,
                "reference": "R-1",
                "amount_fen": 1,
                "paid_at": AT.isoformat(),
            },
        )  # fmt: skip
    )
    with pytest.raises(GatewayError, match="differs"):
        HttpGateway("http://127.0.0.1:9", client=httpx.Client(transport=wrong)).pay(ORDER, AT)


def test_an_unreachable_gateway_is_a_gateway_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = HttpGateway(f"http://127.0.0.1:{port}", timeout=0.5)
    with pytest.raises(GatewayError, match="unreachable"):
        adapter.pay(ORDER, AT)
    adapter.close()
