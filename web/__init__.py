"""The web app: server-rendered pages, the JSON API and the assets it serves itself (no CDN)."""
