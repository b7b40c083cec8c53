"""Business calendar days, SLA clocks and their reminders and escalations."""
