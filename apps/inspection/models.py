"""Inspection: models."""
