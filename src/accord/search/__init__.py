"""The search box: find any object by its reference number, and agencies by code or name."""
