"""Support: apis."""
