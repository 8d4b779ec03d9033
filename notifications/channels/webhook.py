"""Group robots by webhook (httpx): WeCom (企业微信) and DingTalk (钉钉) markdown messages.

WeCom: ``{"msgtype": "markdown", "markdown": {"content": …}}`` (at most 4096 bytes);
DingTalk: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``. Both answer HTTP 200
with ``{"errcode": 0, …}`` when the message went out. Only the hosts of the settings are called:
a user's chosen URL cannot make the product call an address inside the bureau's network.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx

from notifications.channels.base import ChannelKind, Delivery, PermanentFailure, TransientFailure

WECOM_HOSTS = frozenset({"qyapi.weixin.qq.com"})
DINGTALK_HOSTS = frozenset({"oapi.dingtalk.com"})
WECOM_MAX_BYTES = 4096
_RETRY_STATUSES = frozenset({408, 425, 429})


def _clip(text: str, max_bytes: int) -> str:
    """The text cut on a character boundary to at most ``max_bytes`` of UTF-8."""
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode(errors="ignore") + "…"


def wecom_payload(title: str, body: str) -> dict[str, Any]:
    """A WeCom group robot's markdown message."""
    return {"msgtype": "markdown", "markdown": {"content": _clip(f"**{title}**\n\n{body}", WECOM_MAX_BYTES)}}


def dingtalk_payload(title: str, body: str) -> dict[str, Any]:
    """A DingTalk group robot's markdown message (the title shows in the chat list)."""
    return {"msgtype": "markdown", "markdown": {"title": title, "text": f"#### {title}\n\n{body}"}}


class WebhookChannel:
    """Posts to a group robot's webhook URL (the delivery's address) in its platform's format."""

    def __init__(
        self,
        kind: ChannelKind,
        *,
        allowed_hosts: Iterable[str] | None = None,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
    ) -> None:
        if kind not in (ChannelKind.WECOM, ChannelKind.DINGTALK):
            raise ValueError(f"not a webhook channel: {kind}")
        self._kind = kind
        default = WECOM_HOSTS if kind is ChannelKind.WECOM else DINGTALK_HOSTS
        self.allowed_hosts = frozenset(allowed_hosts) if allowed_hosts is not None else default
        self._client = client if client is not None else httpx.Client(timeout=timeout)
        self._own_client = client is None

    @property
    def kind(self) -> ChannelKind:
        """WeCom or DingTalk."""
        return self._kind

    def close(self) -> None:
        """Close the connection pool (only one this channel opened)."""
        if self._own_client:
            self._client.close()

    def send(self, delivery: Delivery) -> None:
        """One robot message; failures name the status or error code, never the URL (it holds the robot's key)."""
        url = delivery.address.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or parts.hostname not in self.allowed_hosts:
            raise PermanentFailure("webhook URL refused: not one of the configured robot hosts")
        maker = wecom_payload if self._kind is ChannelKind.WECOM else dingtalk_payload
        try:
            response = self._client.post(url, json=maker(delivery.title, delivery.body))
        except httpx.TransportError as down:  # refused, reset, timed out
            raise TransientFailure(f"webhook unavailable ({type(down).__name__})") from None
        status = response.status_code
        if status >= 500 or status in _RETRY_STATUSES:  # noqa: PLR2004 - HTTP server errors
            raise TransientFailure(f"HTTP {status}")
        if not response.is_success:
            raise PermanentFailure(f"HTTP {status}")
        try:
            errcode = response.json().get("errcode", 0)
        except (ValueError, AttributeError):
            raise TransientFailure("unreadable robot answer") from None
        if errcode != 0:  # throttled (WeCom 45009, DingTalk 130101) and the like: the back-off retries
            raise TransientFailure(f"robot errcode {errcode}")
