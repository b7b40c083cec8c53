"""`accord zones agreements ...` commands."""

import typer

app = typer.Typer(help="zones.agreements", no_args_is_help=True)
