"""An accuracy evaluator for pair_class data using the SoftmaxLoss classifier."""

from __future__ import annotations

from typing import Any

import torch
from sentence_transformers.base.evaluation.evaluator import BaseEvaluator


class ClassifierAccuracyEvaluator(BaseEvaluator):
    """Score the share of held-out pairs whose class the SoftmaxLoss head predicts.

    The head concatenates u, v and |u - v| (as configured on the loss), so this must
    use the loss object that trains it.
    """

    def __init__(
        self,
        premises: list[str],
        hypotheses: list[str],
        labels: list[int],
        loss: Any,
        batch_size: int = 32,
        name: str = "validation",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.premises = premises
        self.hypotheses = hypotheses
        self.labels = labels
        self.loss = loss
        self.batch_size = batch_size
        self.name = name
        self.primary_metric = "accuracy"

    def __call__(
        self,
        model: Any,
        output_path: str | None = None,
        epoch: int = -1,
        steps: int = -1,
    ) -> dict[str, float]:
        """Encode both texts, classify each pair and return the accuracy."""
        with torch.no_grad():
            first = model.encode(
                self.premises, batch_size=self.batch_size, convert_to_tensor=True
            )
            second = model.encode(
                self.hypotheses, batch_size=self.batch_size, convert_to_tensor=True
            )
            parts = []
            if self.loss.concatenation_sent_rep:
                parts.extend([first, second])
            if self.loss.concatenation_sent_difference:
                parts.append(torch.abs(first - second))
            if self.loss.concatenation_sent_multiplication:
                parts.append(first * second)
            features = torch.cat(parts, 1).to(self.loss.classifier.weight.dtype)
            features = features.to(self.loss.classifier.weight.device)
            predicted = self.loss.classifier(features).argmax(dim=1).cpu()
        expected = torch.tensor(self.labels)
        accuracy = float((predicted == expected).float().mean().item())
        metrics = self.prefix_name_to_metrics({"accuracy": accuracy}, self.name)
        self.store_metrics_in_model_card_data(model, metrics, epoch, steps)
        return metrics
