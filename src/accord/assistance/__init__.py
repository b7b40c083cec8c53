"""Assistance requests: case-threaded requests between agencies, with deadlines and outcomes."""
