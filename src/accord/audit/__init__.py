"""The tamper-evident audit trail: who did or looked at what, when, why, and on whom."""
