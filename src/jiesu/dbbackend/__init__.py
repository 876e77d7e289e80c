"""Jiesu's database backends: Django's own, with the changes docs/performance.md measured the need for."""
