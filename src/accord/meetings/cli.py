"""`accord meetings ...` commands."""

import typer

app = typer.Typer(help="meetings", no_args_is_help=True)
