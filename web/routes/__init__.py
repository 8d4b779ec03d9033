"""One router per area of the web app: sign-in, inbox, task pages, the JSON API, health."""
