"""Notifications: an outbox delivered after commit to inboxes, live pages, e-mail and webhooks."""
