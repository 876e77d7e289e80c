"""Notifications (issue 5 §3): events → recipients → channels, through an outbox written in the change's transaction."""
