"""Shared records: intelligence agencies share as FollowTheMoney entities, with provenance."""
