"""Inspection: schemas."""
