"""The wizard's steps, kept apart from the state model so that screens can name a
step without importing pydantic."""

from __future__ import annotations

from enum import Enum


class Step(str, Enum):
    """The wizard's steps, in order."""

    SOURCE = "source"
    MAPPING = "mapping"
    PARAMETERS = "parameters"
    REVIEW = "review"
    TRAINING = "training"
    RESULT = "result"
