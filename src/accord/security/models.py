"""Users, role grants, web sessions and API tokens."""
