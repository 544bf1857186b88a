"""Tutoring: services."""
