"""The posts tables."""
