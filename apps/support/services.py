"""Support: services."""
