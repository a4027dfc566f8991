"""Pieces shared by the schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from suanli.market.money import to_yuan

Yuan = Annotated[
    Decimal,
    Field(
        strict=False,  # see Request
        max_digits=14,
        decimal_places=2,
        allow_inf_nan=False,
        description="Amount in yuan.",
    ),
]


class Request(BaseModel):
    """A request body: unknown fields are an error, so typos do not pass silently, and values
    are not converted (no number from a string, no string from a number).

    FastAPI validates the parsed JSON in Python mode, where strict enums and Decimals accept
    only their own instances; such fields relax `strict` themselves. A lax Decimal takes
    strings too ("100", even full-width "１００"), so `_decimals_from_numbers` lets only
    JSON numbers through to them (a validator, not an annotation: that would move the field's
    bounds out of its JSON schema)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _decimals_from_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None or field.annotation is not Decimal:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise PydanticCustomError(
                "json_number", "must be a JSON number such as 100 or 99.5, written without quotes"
            )
        return value


def yuan(fen: int) -> float:
    return round(to_yuan(fen), 2)
