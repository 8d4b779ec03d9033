"""The channels a message goes out by: the protocol (base), in-app, SMTP email, WeCom / DingTalk robots, a fake."""
