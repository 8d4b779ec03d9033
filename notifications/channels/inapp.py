"""The in-app channel: a message is delivered when the outbox marks it sent; the user's inbox shows it."""

from __future__ import annotations

from notifications.channels.base import ChannelKind, Delivery, PermanentFailure


class InAppChannel:
    """Nothing leaves the product: the sent outbox row is the inbox entry (store.outbox.inbox)."""

    @property
    def kind(self) -> ChannelKind:
        """The in-app channel."""
        return ChannelKind.INAPP

    def send(self, delivery: Delivery) -> None:
        """Accept a delivery addressed to a user (the address is the username)."""
        if not delivery.address.strip():
            raise PermanentFailure("in-app message without a user")
