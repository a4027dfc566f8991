"""market room: money in fen, the double-entry ledger, the job lifecycle and the exchange's
errors. Pure logic with no I/O; it never imports placement (import-linter contract)."""
