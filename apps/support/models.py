"""Support: models."""
