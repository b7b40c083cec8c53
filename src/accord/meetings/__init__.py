"""Joint meetings, their agenda and decisions, and the action commands decisions become."""
