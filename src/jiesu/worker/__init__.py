"""Background work (issue 5 §4): the huey queue, the minute sweep, outbox delivery and the daily digest."""
