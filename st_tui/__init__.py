"""st-tui: a terminal wizard that fine-tunes Sentence Transformers models on your data."""

__version__ = "0.1.0"
