"""Inspection: apis."""
