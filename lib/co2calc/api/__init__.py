"""Routers of the HTTP functions: one module per function, no SQL (that is in co2calc.db)."""
