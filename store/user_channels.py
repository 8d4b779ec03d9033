"""Which channels each user chose for their notifications (in-app alone when they chose none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import bindparam, delete
from sqlmodel import Session, col, select

from notifications.channels.base import ChannelKind
from store.outbox_tables import UserChannel
from store.reads import read_rows

DEFAULT: tuple[tuple[ChannelKind, str], ...] = ((ChannelKind.INAPP, ""),)


class ChannelChoiceRefused(ValueError):
    """A channel choice that cannot be used (the message says which and why, in Chinese)."""


def _checked(kind: ChannelKind, address: str) -> str:
    address = address.strip()
    if kind is ChannelKind.INAPP:
        return ""
    if kind is ChannelKind.EMAIL:
        if address.count("@") != 1 or any(c.isspace() or c in ",;<>" for c in address) or len(address) > 254:  # noqa: PLR2004 - RFC 5321
            raise ChannelChoiceRefused("请填写一个有效的电子邮箱地址")
        return address
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(address) > 500:  # noqa: PLR2004 - the column
        raise ChannelChoiceRefused("请填写群机器人的 Webhook 地址（以 https:// 开头）")
    return address


def choose_channels(
    session: Session, username: str, choices: Sequence[tuple[ChannelKind, str]], now: datetime
) -> None:
    """Replace the user's channels with ``choices`` (kind, address); an empty list means in-app only."""
    rows = dict.fromkeys((kind, _checked(kind, address)) for kind, address in choices)
    session.execute(delete(UserChannel).where(col(UserChannel.username) == username))
    for kind, address in rows:
        session.add(UserChannel(username=username, channel=kind.value, address=address, chosen_at=now))
    session.flush()


_CHANNELS = (  # built once, run with the names bound
    select(UserChannel.username, UserChannel.channel, UserChannel.address)
    .where(col(UserChannel.username).in_(bindparam("names", expanding=True)))
    .order_by(col(UserChannel.id))
)


def channels_of(session: Session, usernames: Iterable[str]) -> dict[str, list[tuple[ChannelKind, str]]]:
    """Each user's channels with their addresses (DEFAULT for a user who chose none)."""
    names = sorted(set(usernames))
    chosen: dict[str, list[tuple[ChannelKind, str]]] = {name: [] for name in names}
    if names:
        for row in read_rows(session, _CHANNELS, {"names": names}):
            chosen[row.username].append((ChannelKind(row.channel), row.address))
    return {name: found or list(DEFAULT) for name, found in chosen.items()}
