"""One LLM inference request, the shape shared by the Azure and Mooncake traces."""

from __future__ import annotations

from dataclasses import dataclass

from suanli.domain.checks import non_negative


@dataclass(frozen=True, slots=True)
class LlmRequest:
    """A request: when it arrived and how many tokens went in and came out.

    `arrival_s` counts from the trace start. `prefix_blocks` are Mooncake's hashed 512-token prompt
    prefix blocks (equal ids mean a reusable KV-cache prefix); the Azure traces have none.
    """

    arrival_s: float
    input_tokens: int
    output_tokens: int
    prefix_blocks: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        non_negative("arrival time", self.arrival_s)
        non_negative("input tokens", self.input_tokens)
        non_negative("output tokens", self.output_tokens)


def arrivals_in_order(previous: float, arrival_s: float) -> None:
    """Reject a request earlier than the one before it: a replay feeds arrivals in file order."""
    if arrival_s < previous:
        raise ValueError(
            f"arrives at {arrival_s:.7f} s, before the previous request ({previous:.7f} s); "
            "sort the trace by arrival time"
        )
