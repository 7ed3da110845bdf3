"""Tests of the shipped data files and of ``tools/data``, which builds them."""
