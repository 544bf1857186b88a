"""Tutoring: selectors."""
