"""market room: see ARCHITECTURE.md (built by later issues)."""
