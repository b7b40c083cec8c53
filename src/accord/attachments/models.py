"""Stored files, content-addressed by SHA-256."""
