"""Support: selectors."""
