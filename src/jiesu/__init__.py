"""Jiesu (接诉): a university's 接诉即办 request-handling system."""

__version__ = "0.1.0"
