"""Accord: the working system behind police cooperation agreements between jurisdictions."""

__version__ = "0.1.0"
