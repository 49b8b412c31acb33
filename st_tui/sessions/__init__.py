"""Session folders that keep every wizard step on disk (no Textual)."""
