"""`accord security ...` commands."""

import typer

app = typer.Typer(help="security", no_args_is_help=True)
