"""Matching: normalising and comparing names and identifiers across scripts and typing errors."""
