"""Person linkage: the same person resolved across agencies' records, scripts and typing errors."""
