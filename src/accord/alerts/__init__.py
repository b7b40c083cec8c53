"""Shared alerts on persons, vehicles, documents and drones, and the checks made against them."""
