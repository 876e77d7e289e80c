"""Realistic demo data (issue 4, item 12): Chinese requests fitting each unit's remit, with valid histories.

``generate`` plays requests through the real services on a simulated clock (``make demo``); ``bulk.load``
writes the same kind of requests straight into the tables for benchmarks (a million in minutes).
"""
