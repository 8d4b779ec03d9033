"""The channel port: one delivery to one address, and the two ways it can fail."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ChannelKind(StrEnum):
    """The channels a user can choose (user_channel.channel)."""

    INAPP = "inapp"  # the product's own message inbox
    EMAIL = "email"  # SMTP; the address is an e-mail address
    WECOM = "wecom"  # 企业微信群机器人; the address is the robot's webhook URL
    DINGTALK = "dingtalk"  # 钉钉群机器人; the address is the robot's webhook URL


@dataclass(frozen=True, slots=True)
class Delivery:
    """One rendered message for one address: a title and a Markdown body (never personal data)."""

    id: int  # the outbox row
    address: str = ""
    title: str = ""
    body: str = ""


class ChannelFailure(RuntimeError):
    """The delivery did not go out; the message says why without the address or the text."""


class TransientFailure(ChannelFailure):
    """Down, refused, timed out or throttled: try again later (the outbox's back-off)."""


class PermanentFailure(ChannelFailure):
    """It can never succeed as addressed (a bad address, a refused URL, HTTP 4xx): a dead letter at once."""


class Channel(Protocol):
    """Sends one delivery, or raises TransientFailure / PermanentFailure."""

    @property
    def kind(self) -> ChannelKind:
        """Which channel this is."""
        ...

    def send(self, delivery: Delivery) -> None:
        """Deliver, or raise a ChannelFailure."""
        ...
