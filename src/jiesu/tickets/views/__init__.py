"""Staff pages and the ticket page (issue 4 items 4 and 7): thin views over selectors and services."""
