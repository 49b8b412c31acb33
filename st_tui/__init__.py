"""st-tui: a terminal wizard that fine-tunes Sentence Transformers models."""

__version__ = "0.1.0"
