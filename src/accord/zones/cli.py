"""`accord zones ...` commands."""

import typer

app = typer.Typer(help="zones", no_args_is_help=True)
