"""Support: schemas."""
