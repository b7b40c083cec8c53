"""Attachments: content-addressed files, size and type checks, a scan hook, audited downloads."""
