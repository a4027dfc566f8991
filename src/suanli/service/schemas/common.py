"""Pieces shared by the schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from suanli.market.money import to_yuan

Yuan = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2, allow_inf_nan=False, description="Amount in yuan."),
]


class Request(BaseModel):
    """A request body: unknown fields are an error, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")


def yuan(fen: int) -> float:
    return round(to_yuan(fen), 2)
