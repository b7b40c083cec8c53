"""Idempotency-Key handling for creating POSTs: a retried request never creates twice."""
