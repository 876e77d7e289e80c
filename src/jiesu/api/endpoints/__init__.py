"""API v1 routers: tickets (intake, worklists, detail), one endpoint per action, and public tracking."""
