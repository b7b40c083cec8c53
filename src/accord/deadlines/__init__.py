"""Deadlines: the business calendar, SLA clocks, reminders and escalation."""
