"""The `suanli` command. Exit codes live here: 0 done, 2 the user's input needs fixing."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.text import Text
from typer.core import TyperCommand, TyperGroup, TyperOption

from suanli import __version__
from suanli.cli import demo, market, meter, network, place, schema, serve, sim, workload
from suanli.cli.output import err
from suanli.errors import InvalidFileError, SuanliError

EXIT_USER_ERROR = 2


def _label_flags(command: TyperGroup | TyperCommand) -> None:
    """Give every flag of `command` and its subcommands, `--help` too, an empty type label."""
    for param in command.get_params(typer.Context(command)):
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        if isinstance(sub, TyperGroup | TyperCommand):
            _label_flags(sub)


class _Root(TyperGroup):
    """The `suanli` group. Typer's help labels every flag `<bool>` as if it took a value
    (`--json <bool>`); a flag takes none, so the whole tree is relabelled once it is built."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _label_flags(self)


app = typer.Typer(
    name="suanli",
    cls=_Root,
    help="suanli (算力): place, price, meter and simulate GPU work across a network of AI data "
    "centers.\n\nStart with: suanli demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)
app.command(name="demo")(demo.demo)
app.command(name="place")(place.place)
app.command(name="serve")(serve.serve)
app.command(name="schema")(schema.schema)
app.add_typer(network.app, name="network")
app.add_typer(workload.app, name="workload")
app.add_typer(sim.app, name="sim")
app.add_typer(meter.app, name="meter")
app.add_typer(market.app, name="market")
app.add_typer(serve.db_app, name="db")
app.add_typer(serve.admin_app, name="admin")
network.app.command(name="load")(serve.network_load)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        print(__version__)
        raise typer.Exit()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; a user's mistake never shows a traceback.

    Typer reports its own usage errors (exit 2); suanli's errors are turned into messages here.
    """
    try:
        app(args=argv, prog_name="suanli")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except InvalidFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    except SuanliError as exc:
        err.print(Text.assemble(("error: ", "bold red"), str(exc)))
    except OSError as exc:  # a path the user gave that cannot be read or written
        err.print(Text.assemble(("error: ", "bold red"), f"{exc.filename}: {exc.strerror}"))
    else:
        return 0
    return EXIT_USER_ERROR


def main() -> None:
    sys.exit(run())
