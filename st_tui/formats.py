"""The five training-data formats: their roles, role kinds, default loss and evaluator.

sentence-transformers feeds a loss the dataset's columns in column order and treats a
column named ``label`` or ``score`` as the target, so every format lists its roles in
the order the loss expects them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class RoleKind(str, Enum):
    """The kind of value in a role's column."""

    TEXT = "text"
    LABEL = "label"
    SCORE = "score"


@dataclass(frozen=True)
class Format:
    """A training-data format: named roles in loss order, with defaults for training."""

    name: str
    title: str
    roles: tuple[str, ...]
    kinds: dict[str, RoleKind]
    default_loss: str
    evaluator: str
    description: str
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def text_roles(self) -> tuple[str, ...]:
        """Return the roles that hold text, in loss order."""
        return tuple(r for r in self.roles if self.kinds[r] is RoleKind.TEXT)

    @property
    def target_role(self) -> str | None:
        """Return the label or score role, or None for formats without a target."""
        for role in self.roles:
            if self.kinds[role] is not RoleKind.TEXT:
                return role
        return None

    @property
    def uses_in_batch_negatives(self) -> bool:
        """Whether the default loss treats other rows of a batch as negatives."""
        return self.default_loss == "MultipleNegativesRankingLoss"


_ANCHOR = (
    "anchor",
    "query",
    "question",
    "sentence1",
    "sentence_a",
    "text1",
    "text_a",
    "q",
)
_POSITIVE = (
    "positive",
    "pos",
    "answer",
    "document",
    "passage",
    "sentence2",
    "sentence_b",
    "text2",
    "text_b",
    "paraphrase",
)
_NEGATIVE = ("negative", "neg", "hard_negative", "negative_passage", "sentence3")
_SENTENCE1 = (
    "sentence1",
    "sentence_a",
    "sentence_1",
    "text1",
    "text_a",
    "s1",
    "premise",
)
_SENTENCE2 = (
    "sentence2",
    "sentence_b",
    "sentence_2",
    "text2",
    "text_b",
    "s2",
    "hypothesis",
)
_SCORE = (
    "score",
    "scores",
    "similarity",
    "relatedness_score",
    "relatedness",
    "similarity_score",
    "sim",
    "gold_score",
    "rating",
)
_LABEL = (
    "label",
    "labels",
    "entailment_judgment",
    "gold_label",
    "is_duplicate",
    "class",
    "category",
    "judgment",
    "target",
)

FORMATS: dict[str, Format] = {
    "pair": Format(
        name="pair",
        title="Pair (anchor, positive)",
        roles=("anchor", "positive"),
        kinds={"anchor": RoleKind.TEXT, "positive": RoleKind.TEXT},
        default_loss="MultipleNegativesRankingLoss",
        evaluator="InformationRetrievalEvaluator",
        description="Two texts that belong together; other rows in a batch act as "
        "negatives.",
        aliases={"anchor": _ANCHOR, "positive": _POSITIVE},
    ),
    "pair_class": Format(
        name="pair_class",
        title="Pair with class label (premise, hypothesis, label)",
        roles=("premise", "hypothesis", "label"),
        kinds={
            "premise": RoleKind.TEXT,
            "hypothesis": RoleKind.TEXT,
            "label": RoleKind.LABEL,
        },
        default_loss="SoftmaxLoss",
        evaluator="accuracy",
        description="Two texts and a class such as entailment, neutral, contradiction.",
        aliases={
            "premise": ("premise", *_SENTENCE1, *_ANCHOR),
            "hypothesis": ("hypothesis", *_SENTENCE2, *_POSITIVE),
            "label": _LABEL,
        },
    ),
    "pair_score": Format(
        name="pair_score",
        title="Pair with similarity score (sentence1, sentence2, score)",
        roles=("sentence1", "sentence2", "score"),
        kinds={
            "sentence1": RoleKind.TEXT,
            "sentence2": RoleKind.TEXT,
            "score": RoleKind.SCORE,
        },
        default_loss="CoSENTLoss",
        evaluator="EmbeddingSimilarityEvaluator",
        description="Two texts and a number saying how similar they are.",
        aliases={"sentence1": _SENTENCE1, "sentence2": _SENTENCE2, "score": _SCORE},
    ),
    "triplet": Format(
        name="triplet",
        title="Triplet (anchor, positive, negative)",
        roles=("anchor", "positive", "negative"),
        kinds={
            "anchor": RoleKind.TEXT,
            "positive": RoleKind.TEXT,
            "negative": RoleKind.TEXT,
        },
        default_loss="MultipleNegativesRankingLoss",
        evaluator="TripletEvaluator",
        description="A text, one that matches it and one that does not.",
        aliases={"anchor": _ANCHOR, "positive": _POSITIVE, "negative": _NEGATIVE},
    ),
    "qa": Format(
        name="qa",
        title="Question and answer (query, answer)",
        roles=("query", "answer"),
        kinds={"query": RoleKind.TEXT, "answer": RoleKind.TEXT},
        default_loss="MultipleNegativesRankingLoss",
        evaluator="InformationRetrievalEvaluator",
        description="A question and the passage that answers it.",
        aliases={
            "query": ("query", "question", "questions", "q", "anchor", "search"),
            "answer": (
                "answer",
                "answers",
                "response",
                "passage",
                "context",
                "document",
                "positive",
                "a",
            ),
        },
    ),
}

FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def get_format(name: str) -> Format:
    """Look up a format by name.

    Raises:
        KeyError: with the valid names, when ``name`` is not one of them.
    """
    try:
        return FORMATS[name]
    except KeyError:
        valid = ", ".join(FORMAT_NAMES)
        raise KeyError(f"Unknown format '{name}'. Valid formats: {valid}.") from None
