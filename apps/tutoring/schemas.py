"""Tutoring: schemas."""
