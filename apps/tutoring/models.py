"""Tutoring: models."""
