"""Agreements between the members of a zone: versions, signatures, status and sharing rules."""
