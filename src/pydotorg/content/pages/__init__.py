"""Content: pages."""
