"""Content: stories."""
