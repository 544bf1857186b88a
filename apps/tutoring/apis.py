"""Tutoring: apis."""
