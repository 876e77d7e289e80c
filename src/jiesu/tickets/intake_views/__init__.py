"""Requester-side and intake pages: web self-service, staff intake, my requests, public tracking, downloads."""
