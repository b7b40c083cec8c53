"""Agreement versions, signatures and structured sharing rules."""
