"""Training configuration, engine, progress events and export (no Textual)."""
