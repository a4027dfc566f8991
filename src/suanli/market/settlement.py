"""The ledger entries of one reserved quote line, from its hold to its close: pure functions over
values, which the exchange's store posts in one transaction and a simulation applies to its
`Book` the same way.

    reserved   hold:    the buyer's wallet -> escrow, the line's hold
    closed     settle:  escrow -> the line's supplier, its charge less the platform fee
               refund:  escrow -> the buyer's wallet, the rest of the hold
"""

from __future__ import annotations

from dataclasses import dataclass

from suanli.market.ledger import Entry, hold, refund, settle


@dataclass(frozen=True, slots=True)
class LineParty:
    """Who a line's money moves between."""

    buyer: str
    supplier: str
    job_id: str
    line_id: int


def hold_line(party: LineParty, hold_fen: int) -> Entry:
    """The entry that sets a reserved line's price aside (`suanli.market.billing.line_hold`
    never quotes a line that holds nothing)."""
    return hold(party.buyer, hold_fen, party.job_id, line_id=party.line_id)


def close_line(party: LineParty, held_fen: int, charged_fen: int, fee_bp: int) -> list[Entry]:
    """Settle `charged_fen` of what the line held to its supplier, refund the rest."""
    if not 0 <= charged_fen <= held_fen:
        raise ValueError(f"a line that held {held_fen} fen cannot be charged {charged_fen} fen")
    entries = []
    if charged_fen > 0:
        paid = [(party.supplier, charged_fen)]
        entries.append(settle(party.buyer, paid, fee_bp, party.job_id, line_id=party.line_id))
    if held_fen > charged_fen:
        rest = held_fen - charged_fen
        entries.append(refund(party.buyer, rest, party.job_id, line_id=party.line_id))
    return entries
