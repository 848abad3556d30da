"""Outcome releases: read the steward's export, aggregate, protect small numbers, audit."""
