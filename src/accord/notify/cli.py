"""`accord notify ...` commands."""

import typer

app = typer.Typer(help="notify", no_args_is_help=True)
