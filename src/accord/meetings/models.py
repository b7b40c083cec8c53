"""Meetings, agenda items, attendance, decisions, action commands and progress reports."""
