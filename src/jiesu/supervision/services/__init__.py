"""The only writers of the supervision tables (R8.2 orders, R8.5 inspections)."""
