"""The twin's money: every usage is a quote line of the exchange, held and closed with the very
entries the exchange posts (`suanli.market.settlement`), charged by the exchange's billing rule
(`suanli.market.billing.charges`), on an in-memory `Book`, in fen.

    a run or replica starts   top-up (buyer's wallet, from outside) then hold: its estimated
                              cost, at least the minimum billable amount
    it ends                   settle its certified GPU-hours (the twin's generated telemetry is
                              productive, so every hour it ran) at its price, less the fee;
                              refund the rest of the hold
    its site fails under it   refund all of it (the supplier failed)
    the run ends              lines still open are settled on the hours run so far

Each job or service is its own buyer; each site its own supplier. So a run's revenue (what
buyers paid) is, to the fen, what its suppliers' receivables and the platform's fees hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suanli.market.billing import JobUsage, LineTerms, charges, line_hold
from suanli.market.book import Book
from suanli.market.ledger import PLATFORM_FEES, AccountKind, account_id, top_up
from suanli.market.lifecycle import Effect
from suanli.market.settlement import LineParty, close_line, hold_line


@dataclass(slots=True)
class Line:
    """What the book knows of one open usage."""

    party: LineParty
    gpus: int
    price: float
    held_fen: int
    minimum_fen: int


@dataclass
class SimBook:
    """The run's ledger and its open lines, by line id."""

    fee_bp: int
    min_gpu_hours: float
    book: Book = field(default_factory=Book)
    open_lines: dict[int, Line] = field(default_factory=dict)
    charged_fen: dict[int, int] = field(default_factory=dict)
    next_id: int = 1

    def open(self, buyer: str, supplier: str, gpus: int, price: float, est_hours: float) -> int:
        """Hold a new line's price; its id."""
        line_id, self.next_id = self.next_id, self.next_id + 1
        held = line_hold(price * gpus * est_hours, gpus, price, self.min_gpu_hours)
        party = LineParty(buyer, supplier, buyer, line_id)
        self.book.apply(top_up(buyer, held.hold_fen))
        self.book.apply(hold_line(party, held.hold_fen))
        self.open_lines[line_id] = Line(party, gpus, price, held.hold_fen, held.minimum_fen)
        return line_id

    def close(self, line_id: int, effect: Effect, gpu_hours: float = 0.0) -> int:
        """Close a line by `effect` on `gpu_hours` certified; what it was charged, in fen."""
        line = self.open_lines.pop(line_id)
        terms = LineTerms(
            line.party.supplier, line.gpus, line.price, line.held_fen, line.minimum_fen
        )
        usage = JobUsage({line.party.supplier: gpu_hours})
        (charge,) = charges(effect, [terms], usage)
        for entry in close_line(line.party, line.held_fen, charge.charged_fen, self.fee_bp):
            self.book.apply(entry)
        self.charged_fen[line_id] = charge.charged_fen
        return charge.charged_fen

    def receivable_fen(self, supplier: str) -> int:
        return self.book.balance(account_id(AccountKind.RECEIVABLE, supplier))

    @property
    def fees_fen(self) -> int:
        return self.book.balance(PLATFORM_FEES)
