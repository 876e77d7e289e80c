"""The demo app: demo people and accounts (`jiesu demo-org`) and realistic demo requests (`jiesu demo-data`).

It sits on top of the other apps and no app imports it. ``generator.generate`` plays requests through the real
services on a simulated clock (``make demo``); ``bulk.load`` writes the same kind of requests with the tickets
app's own builders, in batches, for benchmarks (a million in minutes).
"""
