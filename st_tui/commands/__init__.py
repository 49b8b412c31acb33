"""Headless subcommands of `st-tui`, one a module."""
