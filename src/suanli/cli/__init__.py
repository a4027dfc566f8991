"""The `suanli` command line (Typer + Rich); exit codes live here."""
