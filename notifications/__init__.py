"""Notifications: Chinese templates, the outbox's decisions (what to send to whom) and the channels.

Only ``domain`` is imported here; the outbox's rows live in ``store`` (store/outbox_tables.py), the
dispatch step in ``workflows/notifications.py``.
"""
