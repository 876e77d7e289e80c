"""Insight: what the tickets' text tells the Office — the dispatch suggestion (R9.5) and repeat detection (R6.1)."""
