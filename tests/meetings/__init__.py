"""Tests of meetings, agenda items, decisions and action commands."""
