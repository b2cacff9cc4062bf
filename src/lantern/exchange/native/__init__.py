"""Lantern's own exchange format: the register's cases and their events as CSV or XLSX rows."""
