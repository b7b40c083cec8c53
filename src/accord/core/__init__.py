"""Shared foundations every domain stands on: settings, database, errors, clock, ids, paging."""
