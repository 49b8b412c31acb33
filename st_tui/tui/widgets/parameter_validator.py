"""An Input validator that applies the pydantic constraints of one config field."""

from __future__ import annotations

from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from textual.validation import ValidationResult, Validator

# The fields of a model that must be present for it to validate at all.
REQUIRED_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    "DataConfig": {"path": "data.csv", "format": "pair"},
}


def parse_number(value: str, kind: type) -> int | float:
    """Parse a whole number for ``int`` and a decimal number for ``float``.

    Raises:
        ValueError: with the value and the expected kind of number.
    """
    text = value.strip().replace("_", "")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a whole number.") from None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a number.") from None


def describe_range(model: type[BaseModel], name: str) -> str:
    """Return a field's bounds as text such as '> 0, ≤ 1000', or '' when unbounded."""
    parts = []
    for constraint in model.model_fields[name].metadata:
        if isinstance(constraint, annotated_types.Gt):
            parts.append(f"> {constraint.gt:g}")
        elif isinstance(constraint, annotated_types.Ge):
            parts.append(f"≥ {constraint.ge:g}")
        elif isinstance(constraint, annotated_types.Lt):
            parts.append(f"< {constraint.lt:g}")
        elif isinstance(constraint, annotated_types.Le):
            parts.append(f"≤ {constraint.le:g}")
    return ", ".join(parts)


class FieldValidator(Validator):
    """Parse an Input's text as a number and validate it against one model field.

    An empty value is valid only for fields that accept None.
    """

    def __init__(self, model: type[BaseModel], name: str, kind: type) -> None:
        super().__init__()
        self.model = model
        self.name = name
        self.kind = kind
        self.optional = not model.model_fields[name].is_required() and (
            model.model_fields[name].default is None
        )

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            if self.optional:
                return self.success()
            return self.failure("Enter a value.")
        try:
            number = parse_number(value, self.kind)
        except ValueError as error:
            return self.failure(str(error))
        data = {**REQUIRED_PLACEHOLDERS.get(self.model.__name__, {}), self.name: number}
        try:
            self.model.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                if detail["loc"] == (self.name,):
                    reason = detail["msg"].replace("Input should be", "must be")
                    return self.failure(f"{value.strip()} is invalid: {reason}.")
        return self.success()

    def parse(self, value: str) -> int | float | None:
        """Return the Input's value as a number, or None when empty and optional."""
        if not value.strip():
            return None
        return parse_number(value, self.kind)
