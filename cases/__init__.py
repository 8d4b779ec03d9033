"""The application: case commands judged by their pinned deployment, made durable with their events."""
