"""Inspection: selectors."""
