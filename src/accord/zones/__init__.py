"""Cooperation zones: member agencies, the leading group and its rotating chair, and the rules
under which members share data."""
