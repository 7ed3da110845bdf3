"""An open implementation of the Python.org API."""

__version__ = "0.1.0"
