"""Inspection: services."""
