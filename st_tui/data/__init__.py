"""Loading, previewing, mapping, checking and converting training data (no Textual)."""
